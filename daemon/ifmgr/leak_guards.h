// LeakGuards: the blackhole routes that keep inner traffic from leaving in
// clear text while its interface is down (vm-xfrm.md point 4).
//
// A blackhole has no device, so two interfaces guarding the same prefix at
// the same metric share one kernel route; it is counted and removed with its
// last holder. A tunnel route with a better metric wins over the guard while
// its interface is up, which keeps failover between tunnels working.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/ifmgr/rtnl_ops.h"

namespace ikevpn::ifmgr {

class LeakGuards {
 public:
  // `ops` must outlive this.
  explicit LeakGuards(RtnlOps& ops) : ops_(ops) {}

  // Installs the blackhole route (or counts one more holder). One that is
  // already in the kernel (a leftover) is taken over.
  Status Acquire(const Prefix& destination, uint32_t metric);
  // Drops one holder; the last one removes the route (errors are logged).
  void Release(const Prefix& destination, uint32_t metric);

  bool Holds(const Prefix& destination, uint32_t metric) const;
  size_t size() const { return counts_.size(); }

  static RouteEntry Blackhole(const Prefix& destination, uint32_t metric);

 private:
  RtnlOps& ops_;
  std::map<std::pair<Prefix, uint32_t>, int> counts_;
};

}  // namespace ikevpn::ifmgr
