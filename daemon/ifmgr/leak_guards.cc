#include "daemon/ifmgr/leak_guards.h"

#include "daemon/base/log.h"

namespace ikevpn::ifmgr {

RouteEntry LeakGuards::Blackhole(const Prefix& destination, uint32_t metric) {
  RouteEntry r;
  r.type = RouteType::kBlackhole;
  r.destination = destination;
  r.metric = metric;
  return r;
}

Status LeakGuards::Acquire(const Prefix& destination, uint32_t metric) {
  int& count = counts_[{destination, metric}];
  if (count == 0) {
    RouteEntry route = Blackhole(destination, metric);
    Status s = ops_.AddRoute(route);
    if (!s.ok() && s.code() != Code::kExists) {
      counts_.erase({destination, metric});
      return s.Annotate("installing leak guard");
    }
    IKEVPN_LOG(kIf, kDebug) << "leak guard " << ToString(route) << " installed";
  }
  ++count;
  return Status::Ok();
}

void LeakGuards::Release(const Prefix& destination, uint32_t metric) {
  auto it = counts_.find({destination, metric});
  if (it == counts_.end()) return;
  if (--it->second > 0) return;
  counts_.erase(it);
  RouteEntry route = Blackhole(destination, metric);
  Status s = ops_.RemoveRoute(route);
  if (!s.ok() && s.code() != Code::kNotFound) {
    IKEVPN_LOG(kIf, kError) << "removing leak guard: " << s.ToString();
    return;
  }
  IKEVPN_LOG(kIf, kDebug) << "leak guard " << ToString(route) << " removed";
}

bool LeakGuards::Holds(const Prefix& destination, uint32_t metric) const {
  return counts_.count({destination, metric}) != 0;
}

}  // namespace ikevpn::ifmgr
