// PolicyPriority: the priority of an IPsec policy, from its selectors.
//
// Several connections may install overlapping policies (a 10.1.0.0/16 and a
// 10.1.2.0/24 tunnel, on different if_ids or the same). The kernel picks the
// matching policy with the lowest priority value, so a more specific
// selector must get a lower value:
//
//   priority = kPolicyPriorityBase
//              - 5 * (prefix bits of src + prefix bits of dst)
//              - 2 if the IP protocol is fixed
//              - 1 per side whose port range is narrower than 0-65535
//
// A range that is not a prefix counts with its covering prefix. Each address
// bit outweighs protocol and ports together (5 > 2 + 1 + 1), so an address
// narrowed by one bit always wins over a port restriction. Policies a
// trap installs and those of the CHILD_SA that follows have the same
// selectors, hence the same priority: they are one policy in the kernel.
#pragma once

#include <cstdint>

#include "daemon/base/traffic_selector.h"

namespace ikevpn::kernel {

inline constexpr uint32_t kPolicyPriorityBase = 200000;

uint32_t PolicyPriority(const TrafficSelector& src, const TrafficSelector& dst);

}  // namespace ikevpn::kernel
