#include "daemon/kernel/userspace/sa_index.h"

#include <algorithm>

namespace ikevpn::kernel::userspace {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

bool Confirmed(SaEntry& sa, int64_t now) {
  if (sa.confirmed.load(kRelaxed)) return true;
  int64_t deadline = sa.confirm_deadline.load(kRelaxed);
  if (deadline == 0) {
    sa.confirm_deadline.store(now + kConfirmSeconds, kRelaxed);
    return false;
  }
  if (now < deadline) return false;
  sa.confirmed.store(true, kRelaxed);
  return true;
}

SaEntry* FirstUsable(const std::vector<SaEntry*>& list, const InnerPacket& packet, int64_t now) {
  SaEntry* newest = nullptr;
  for (SaEntry* sa : list) {
    if (sa->expired.load(kRelaxed)) continue;
    if (!OutboundAllowed(packet, sa->local_ts, sa->remote_ts)) continue;
    if (Confirmed(*sa, now)) return sa;
    if (!newest) newest = sa;
  }
  return newest;
}

void Erase(std::vector<SaEntry*>& list, SaEntry* sa) {
  list.erase(std::remove(list.begin(), list.end(), sa), list.end());
}

}  // namespace

bool SingleRemoteHost(const SaEntry& sa, IpAddress* host) {
  if (sa.remote_ts.size() != 1) return false;
  const TrafficSelector& ts = sa.remote_ts.front();
  if (ts.start != ts.end) return false;
  *host = ts.start;
  return true;
}

SaEntry* SaIndex::FindOutbound(uint32_t if_id, const InnerPacket& packet, int64_t now) const {
  auto set = outbound.find(if_id);
  if (set == outbound.end()) return nullptr;
  if (!set->second.by_host.empty()) {
    auto host = set->second.by_host.find(packet.dst);
    if (host != set->second.by_host.end()) {
      if (SaEntry* sa = FirstUsable(host->second, packet, now)) return sa;
    }
  }
  return FirstUsable(set->second.others, packet, now);
}

void SaIndex::AddOutbound(SaEntry* sa) {
  OutboundSet& set = outbound[sa->if_id];
  IpAddress host;
  std::vector<SaEntry*>& list = SingleRemoteHost(*sa, &host) ? set.by_host[host] : set.others;
  list.insert(list.begin(), sa);
  if (sa->reqid) outbound_by_reqid[sa->reqid] = sa;
}

void SaIndex::RemoveOutbound(SaEntry* sa) {
  auto by_reqid = outbound_by_reqid.find(sa->reqid);
  if (by_reqid != outbound_by_reqid.end() && by_reqid->second == sa) outbound_by_reqid.erase(by_reqid);
  auto set = outbound.find(sa->if_id);
  if (set == outbound.end()) return;
  IpAddress host;
  if (SingleRemoteHost(*sa, &host)) {
    auto it = set->second.by_host.find(host);
    if (it != set->second.by_host.end()) {
      Erase(it->second, sa);
      if (it->second.empty()) set->second.by_host.erase(it);
    }
  } else {
    Erase(set->second.others, sa);
  }
  if (set->second.empty()) outbound.erase(set);
}

}  // namespace ikevpn::kernel::userspace
