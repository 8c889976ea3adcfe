// AddressPool: the virtual IPs one road-warrior connection hands out in
// CP replies (RFC 7296 §3.15), as leases keyed by the peer's authenticated
// identity.
//
// A lease is *online* while an IKE_SA (its `owner`) uses it and *reserved*
// once that SA is gone: the identity gets the same address back when it
// returns. Reserved leases give way, oldest first, only when the pool has
// no free address left. Pure logic: no I/O, no clock (callers pass `now`).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/config/connection.h"

namespace ikevpn::pool {

struct Lease {
  std::string identity;
  IpAddress address;
  uint64_t owner = 0;     // IKE_SA id using it; 0: reserved for the identity
  int64_t last_seen = 0;  // wall-clock seconds of the last acquire or release
  friend bool operator==(const Lease&, const Lease&) = default;
};

class AddressPool {
 public:
  // `excluded`: addresses never handed out (the gateway's own inner
  // addresses). In each range the first address is skipped if its last byte
  // is 0 (a v4 network or v6 subnet-router anycast address) and a v4 last
  // address ending in .255 (broadcast).
  AddressPool(std::vector<config::AddressRange> ranges, std::vector<IpAddress> excluded = {});

  // True if the pool has any range of this family.
  bool Serves(IpAddress::Family family) const;
  bool Contains(const IpAddress& a) const;

  // The identity's address of `family` for IKE_SA `owner`: its own lease if
  // it has one (taken over from an older SA of the same identity), else a
  // free address, else the address of the longest-unused reserved lease.
  // kRetry when every address is online (INTERNAL_ADDRESS_FAILURE);
  // kNotFound when the pool has no range of that family.
  Result<IpAddress> Acquire(const std::string& identity, IpAddress::Family family, uint64_t owner, int64_t now);
  // The SA `owner` is gone: its leases become reserved. Returns the
  // addresses released (none if another SA took them over meanwhile).
  std::vector<IpAddress> Release(const std::string& identity, uint64_t owner, int64_t now);

  // Restores a persisted lease (reserved). False if the address is outside
  // the ranges, excluded or already leased.
  bool Restore(const Lease& lease);
  std::vector<Lease> Leases() const;
  size_t online() const;

 private:
  using Key = std::pair<std::string, IpAddress::Family>;
  bool Usable(const config::AddressRange& r, const IpAddress& a) const;
  std::optional<IpAddress> FindFree(IpAddress::Family family) const;

  std::vector<config::AddressRange> ranges_;
  std::set<IpAddress> excluded_;
  std::map<Key, Lease> leases_;
  std::set<IpAddress> used_;
};

}  // namespace ikevpn::pool
