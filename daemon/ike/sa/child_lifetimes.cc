#include "daemon/ike/sa/child_lifetimes.h"

#include <algorithm>

namespace ikevpn::ike {

int64_t LatestRekeySeconds(const config::Lifetime& l) {
  const int64_t life = l.lifetime.count();
  const int64_t at = life - l.rekey_margin.count();
  return at < 1 ? std::max<int64_t>(1, life / 2) : at;
}

ChildKernelLifetimes ChildKernelLifetimesFor(const config::Lifetime& l) {
  const int64_t life = l.lifetime.count();
  if (life <= 0) return {};
  const int64_t rekey = LatestRekeySeconds(l);
  int64_t soft = rekey + (life - rekey) / 2;
  if (soft <= rekey) soft = life;
  return {static_cast<uint64_t>(soft), static_cast<uint64_t>(life) + kKernelHardLifetimeSlack};
}

}  // namespace ikevpn::ike
