// The kernel lifetimes of a CHILD_SA's SAs, from the connection's
// child lifetime (rekey_time = lifetime - rekey_margin, minus jitter).
//
// The daemon's own timers rekey at lifetime - margin - jitter and delete at
// lifetime. The kernel's limits are backstops placed after them:
//   soft  halfway between the daemon's latest rekey and the lifetime: a
//         kernel soft EXPIRE starts a rekey when the daemon's timer did not
//         (e.g. a timer lost on a stalled loop);
//   hard  lifetime + 60 s: the kernel removes the SA itself.
// With lifetime 0 (no limit) neither is set.
#pragma once

#include <cstdint>

#include "daemon/config/connection.h"

namespace ikevpn::ike {

struct ChildKernelLifetimes {
  uint64_t soft_seconds = 0;  // 0: none
  uint64_t hard_seconds = 0;  // 0: none
};

inline constexpr uint64_t kKernelHardLifetimeSlack = 60;

// The latest moment the daemon's rekey timer fires (seconds after install);
// Engine's rekey delay never exceeds it.
int64_t LatestRekeySeconds(const config::Lifetime& l);

ChildKernelLifetimes ChildKernelLifetimesFor(const config::Lifetime& l);

}  // namespace ikevpn::ike
