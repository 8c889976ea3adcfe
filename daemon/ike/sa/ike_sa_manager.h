// IkeSaManager: the IKE_SA tables, half-open accounting and cookies.
//
// SAs are found by our own SPI (unique in this daemon): the responder SPI
// for SAs the peer initiated, the initiator SPI for ours (§2.6 lets each
// side choose its SPI). Half-open responder SAs are also found by the
// peer's SPI and address, so a retransmitted IKE_SA_INIT request gets the
// same answer instead of a second SA.
//
// Cookies (§2.6): above a threshold of half-open SAs, a new IKE_SA_INIT
// request without a valid COOKIE gets only a COOKIE notify and costs no
// state. COOKIE = <version of secret> | SHA-256(Ni | IPi | SPIi | secret),
// with the secret rotated regularly and the previous one still accepted.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "daemon/base/bytes.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/rng.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/ike/sa/ike_sa.h"

namespace ikevpn::ike {

class IkeSaManager {
 public:
  explicit IkeSaManager(Rng& rng);
  ~IkeSaManager();

  // A fresh non-zero SPI no SA here uses.
  uint64_t NewSpi();
  uint64_t NewSaId() { return ++last_id_; }

  // Takes ownership and indexes the SA by its own SPI (which must be set).
  IkeSa* Add(std::unique_ptr<IkeSa> sa);
  // Re-indexes after our SPI became known or changed.
  void Reindex(IkeSa& sa, uint64_t old_my_spi);
  std::unique_ptr<IkeSa> Remove(uint64_t id);
  // Moves the SA to another connection (the responder's choice by identity
  // in IKE_AUTH), also in the lists by connection name.
  void Rebind(IkeSa& sa, std::shared_ptr<const config::Connection> conn);

  IkeSa* FindById(uint64_t id) const;
  IkeSa* FindByMySpi(uint64_t spi) const;
  IkeSa* FindHalfOpen(uint64_t spi_i, const Endpoint& remote) const;
  size_t size() const { return by_id_.size(); }
  // Calls fn for every SA; fn must not add or remove SAs (collect ids first).
  void ForEach(const std::function<void(IkeSa&)>& fn) const;
  // Calls fn for every SA of the connection named `name`, newest first,
  // while fn returns true; same rule. Costs O(SAs of that connection), not
  // O(all SAs): status queries and events must not scan 100,000 SAs.
  template <typename Fn>
  void ForEachOf(const std::string& name, Fn&& fn) const {
    auto it = by_connection_.find(name);
    if (it == by_connection_.end()) return;
    for (IkeSa* sa = it->second; sa != nullptr;) {
      IkeSa* next = sa->conn_next_;
      if (!fn(*sa)) return;
      sa = next;
    }
  }

  // Half-open responder SAs (after IKE_SA_INIT, before IKE_AUTH).
  void AddHalfOpen(IkeSa& sa);
  void RemoveHalfOpen(IkeSa& sa);  // no-op if not half-open
  size_t half_open() const { return half_open_.size(); }
  size_t half_open_from(const IpAddress& a) const;

  // §2.6 cookies.
  Bytes MakeCookie(ByteSpan ni, const IpAddress& from, uint64_t spi_i) const;
  bool CheckCookie(ByteSpan cookie, ByteSpan ni, const IpAddress& from, uint64_t spi_i) const;
  // New secret; the previous one is still accepted until the next rotation.
  void RotateCookieSecret();

 private:
  struct HalfOpenKey {
    uint64_t spi_i;
    Endpoint remote;
    auto operator<=>(const HalfOpenKey&) const = default;
  };
  void Link(IkeSa& sa);
  void Unlink(IkeSa& sa);
  Bytes CookieFor(uint8_t version, const SecretBytes& secret, ByteSpan ni, const IpAddress& from,
                  uint64_t spi_i) const;

  Rng& rng_;
  uint64_t last_id_ = 0;
  std::unordered_map<uint64_t, std::unique_ptr<IkeSa>> by_id_;
  std::unordered_map<uint64_t, IkeSa*> by_my_spi_;
  // Head of each connection's SA list (IkeSa::conn_next_), by name.
  std::unordered_map<std::string, IkeSa*> by_connection_;
  std::map<HalfOpenKey, IkeSa*> half_open_;
  std::map<IpAddress, size_t> half_open_per_address_;
  uint8_t cookie_version_ = 0;
  SecretBytes cookie_secret_;
  SecretBytes previous_cookie_secret_;
};

}  // namespace ikevpn::ike
