#include "daemon/pool/address_pool.h"

#include <optional>

namespace ikevpn::pool {

AddressPool::AddressPool(std::vector<config::AddressRange> ranges, std::vector<IpAddress> excluded)
    : ranges_(std::move(ranges)), excluded_(excluded.begin(), excluded.end()) {}

bool AddressPool::Serves(IpAddress::Family family) const {
  for (const config::AddressRange& r : ranges_)
    if (r.first.family() == family) return true;
  return false;
}

bool AddressPool::Usable(const config::AddressRange& r, const IpAddress& a) const {
  if (a.family() != r.first.family() || a < r.first || r.last < a) return false;
  if (excluded_.count(a)) return false;
  const uint8_t low = a.bytes().back();
  if (a == r.first && low == 0 && r.first != r.last) return false;
  if (a.is_v4() && a == r.last && low == 0xff && r.first != r.last) return false;
  return true;
}

bool AddressPool::Contains(const IpAddress& a) const {
  for (const config::AddressRange& r : ranges_)
    if (Usable(r, a)) return true;
  return false;
}

std::optional<IpAddress> AddressPool::FindFree(IpAddress::Family family) const {
  // At most used_ + excluded_ + 2 addresses of a range can be taken or
  // unusable, so the scan ends after that many probes per range: a /64 pool
  // costs no more than a /24.
  const size_t budget = used_.size() + excluded_.size() + 3;
  for (const config::AddressRange& r : ranges_) {
    if (r.first.family() != family) continue;
    IpAddress a = r.first;
    for (size_t i = 0; i < budget; ++i) {
      if (Usable(r, a) && !used_.count(a)) return a;
      if (a == r.last) break;
      a = a.Plus(1);
    }
  }
  return std::nullopt;
}

Result<IpAddress> AddressPool::Acquire(const std::string& identity, IpAddress::Family family, uint64_t owner,
                                       int64_t now) {
  if (!Serves(family)) return Status(Code::kNotFound, "the pool has no addresses of that family");
  if (auto it = leases_.find({identity, family}); it != leases_.end()) {
    it->second.owner = owner;
    it->second.last_seen = now;
    return it->second.address;
  }
  std::optional<IpAddress> address = FindFree(family);
  if (!address) {
    // Full: the reserved lease unused the longest gives way.
    auto oldest = leases_.end();
    for (auto it = leases_.begin(); it != leases_.end(); ++it) {
      if (it->first.second != family || it->second.owner != 0) continue;
      if (oldest == leases_.end() || it->second.last_seen < oldest->second.last_seen) oldest = it;
    }
    if (oldest == leases_.end()) return Status(Code::kRetry, "address pool exhausted");
    address = oldest->second.address;
    used_.erase(*address);
    leases_.erase(oldest);
  }
  leases_[{identity, family}] = Lease{identity, *address, owner, now};
  used_.insert(*address);
  return *address;
}

std::vector<IpAddress> AddressPool::Release(const std::string& identity, uint64_t owner, int64_t now) {
  std::vector<IpAddress> out;
  for (IpAddress::Family f : {IpAddress::Family::kV4, IpAddress::Family::kV6}) {
    auto it = leases_.find({identity, f});
    if (it == leases_.end() || it->second.owner != owner || owner == 0) continue;
    it->second.owner = 0;
    it->second.last_seen = now;
    out.push_back(it->second.address);
  }
  return out;
}

bool AddressPool::Restore(const Lease& lease) {
  const IpAddress::Family f = lease.address.family();
  if (!Contains(lease.address) || used_.count(lease.address) || leases_.count({lease.identity, f})) return false;
  Lease l = lease;
  l.owner = 0;
  leases_[{l.identity, f}] = l;
  used_.insert(l.address);
  return true;
}

std::vector<Lease> AddressPool::Leases() const {
  std::vector<Lease> out;
  for (const auto& [key, lease] : leases_) out.push_back(lease);
  return out;
}

size_t AddressPool::online() const {
  size_t n = 0;
  for (const auto& [key, lease] : leases_) n += lease.owner != 0;
  return n;
}

}  // namespace ikevpn::pool
