#include "daemon/kernel/policy_priority.h"

namespace ikevpn::kernel {

namespace {

uint32_t Specificity(const TrafficSelector& ts) {
  uint32_t s = 5u * ts.CoveringPrefix().length;
  if (ts.start_port != 0 || ts.end_port != 65535) s += 1;
  return s;
}

}  // namespace

uint32_t PolicyPriority(const TrafficSelector& src, const TrafficSelector& dst) {
  uint32_t s = Specificity(src) + Specificity(dst);
  if (src.ip_protocol != 0 || dst.ip_protocol != 0) s += 2;
  return kPolicyPriorityBase - s;
}

}  // namespace ikevpn::kernel
