#include "daemon/ike/sa/ike_sa_manager.h"

#include <algorithm>

#include "daemon/base/bytes.h"
#include "daemon/ike/crypto/hash.h"

namespace ikevpn::ike {

namespace {
constexpr size_t kCookieSecretSize = 32;
}

IkeSaManager::IkeSaManager(Rng& rng) : rng_(rng) { RotateCookieSecret(); }

IkeSaManager::~IkeSaManager() = default;

uint64_t IkeSaManager::NewSpi() {
  for (;;) {
    uint64_t spi = rng_.U64();
    if (spi != 0 && !by_my_spi_.count(spi)) return spi;
  }
}

IkeSa* IkeSaManager::Add(std::unique_ptr<IkeSa> sa) {
  IkeSa* raw = sa.get();
  by_my_spi_[raw->my_spi()] = raw;
  Link(*raw);
  by_id_.emplace(raw->id(), std::move(sa));
  return raw;
}

void IkeSaManager::Link(IkeSa& sa) {
  IkeSa*& head = by_connection_[sa.connection().name];
  sa.conn_prev_ = nullptr;
  sa.conn_next_ = head;
  if (head != nullptr) head->conn_prev_ = &sa;
  head = &sa;
}

void IkeSaManager::Rebind(IkeSa& sa, std::shared_ptr<const config::Connection> conn) {
  Unlink(sa);
  sa.set_connection(std::move(conn));
  Link(sa);
}

void IkeSaManager::Unlink(IkeSa& sa) {
  if (sa.conn_next_ != nullptr) sa.conn_next_->conn_prev_ = sa.conn_prev_;
  if (sa.conn_prev_ != nullptr) {
    sa.conn_prev_->conn_next_ = sa.conn_next_;
  } else {
    // The head of its list: found by name (the name never changes).
    auto it = by_connection_.find(sa.connection().name);
    if (it != by_connection_.end() && it->second == &sa) {
      if (sa.conn_next_ != nullptr) {
        it->second = sa.conn_next_;
      } else {
        by_connection_.erase(it);
      }
    }
  }
  sa.conn_prev_ = sa.conn_next_ = nullptr;
}

void IkeSaManager::Reindex(IkeSa& sa, uint64_t old_my_spi) {
  auto it = by_my_spi_.find(old_my_spi);
  if (it != by_my_spi_.end() && it->second == &sa) by_my_spi_.erase(it);
  by_my_spi_[sa.my_spi()] = &sa;
}

std::unique_ptr<IkeSa> IkeSaManager::Remove(uint64_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  std::unique_ptr<IkeSa> sa = std::move(it->second);
  by_id_.erase(it);
  auto s = by_my_spi_.find(sa->my_spi());
  if (s != by_my_spi_.end() && s->second == sa.get()) by_my_spi_.erase(s);
  RemoveHalfOpen(*sa);
  Unlink(*sa);
  return sa;
}

IkeSa* IkeSaManager::FindById(uint64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

IkeSa* IkeSaManager::FindByMySpi(uint64_t spi) const {
  auto it = by_my_spi_.find(spi);
  return it == by_my_spi_.end() ? nullptr : it->second;
}

IkeSa* IkeSaManager::FindHalfOpen(uint64_t spi_i, const Endpoint& remote) const {
  auto it = half_open_.find({spi_i, remote});
  return it == half_open_.end() ? nullptr : it->second;
}

void IkeSaManager::ForEach(const std::function<void(IkeSa&)>& fn) const {
  for (const auto& [id, sa] : by_id_) fn(*sa);
}

void IkeSaManager::AddHalfOpen(IkeSa& sa) {
  if (half_open_.emplace(HalfOpenKey{sa.spi_i, sa.remote}, &sa).second)
    ++half_open_per_address_[sa.remote.address];
}

void IkeSaManager::RemoveHalfOpen(IkeSa& sa) {
  auto it = half_open_.find({sa.spi_i, sa.remote});
  if (it == half_open_.end() || it->second != &sa) return;
  half_open_.erase(it);
  auto a = half_open_per_address_.find(sa.remote.address);
  if (a != half_open_per_address_.end() && --a->second == 0) half_open_per_address_.erase(a);
}

size_t IkeSaManager::half_open_from(const IpAddress& a) const {
  auto it = half_open_per_address_.find(a);
  return it == half_open_per_address_.end() ? 0 : it->second;
}

void IkeSaManager::RotateCookieSecret() {
  previous_cookie_secret_ = std::move(cookie_secret_);
  cookie_secret_ = SecretBytes(kCookieSecretSize);
  rng_.Fill(cookie_secret_.mutable_span());
  ++cookie_version_;
}

Bytes IkeSaManager::CookieFor(uint8_t version, const SecretBytes& secret, ByteSpan ni,
                              const IpAddress& from, uint64_t spi_i) const {
  uint8_t spi[8];
  StoreBe64(spi, spi_i);
  auto h = crypto::Hash(HashAlgorithm::kSha2_256, {ni, from.bytes(), ByteSpan(spi, 8), secret.span()});
  constexpr size_t kHashBytes = 16;
  Bytes cookie(1 + kHashBytes, 0);
  cookie[0] = version;
  if (h.ok() && h->size() >= kHashBytes) std::copy(h->begin(), h->begin() + kHashBytes, cookie.begin() + 1);
  return cookie;
}

Bytes IkeSaManager::MakeCookie(ByteSpan ni, const IpAddress& from, uint64_t spi_i) const {
  return CookieFor(cookie_version_, cookie_secret_, ni, from, spi_i);
}

bool IkeSaManager::CheckCookie(ByteSpan cookie, ByteSpan ni, const IpAddress& from,
                               uint64_t spi_i) const {
  if (cookie.empty()) return false;
  const uint8_t version = cookie[0];
  const SecretBytes* secret = version == cookie_version_ ? &cookie_secret_
                              : version == static_cast<uint8_t>(cookie_version_ - 1) ? &previous_cookie_secret_
                                                                                   : nullptr;
  if (!secret || secret->empty()) return false;
  return ConstantTimeEquals(cookie, CookieFor(version, *secret, ni, from, spi_i));
}

}  // namespace ikevpn::ike
