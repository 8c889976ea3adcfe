// PolicyRefs: reference-counted kernel policies.
//
// A CHILD_SA and its rekeyed successor (and several road-warrior CHILD_SAs
// of one connection) can need the same policy (same selectors, direction,
// if_id). The first user installs it, the last one removes it, so a
// make-before-break rekey never leaves a gap.
#pragma once

#include <array>
#include <map>
#include <string>
#include <tuple>

#include "daemon/base/status.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::ike {

class PolicyRefs {
 public:
  explicit PolicyRefs(kernel::KernelIpsec& kernel) : kernel_(kernel) {}

  Status Acquire(const kernel::PolicyId& id, const kernel::PolicyData& data);
  void Release(const kernel::PolicyId& id);
  // Policies installed (each direction counts).
  size_t size() const { return size_; }

 private:
  // One entry per selector pair, with a count per direction: a CHILD_SA's
  // in and fwd policies (peer -> us) share one entry, its out policy has
  // the other. Memory per CHILD_SA matters (100,000 on a gateway).
  using Key = std::tuple<std::string, std::string, uint32_t, uint32_t>;
  using Counts = std::array<int, 3>;  // by PolicyDir
  static Key KeyOf(const kernel::PolicyId& id);

  kernel::KernelIpsec& kernel_;
  std::map<Key, Counts> refs_;
  size_t size_ = 0;  // policies with a count above zero
};

}  // namespace ikevpn::ike
