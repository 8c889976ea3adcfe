// PolicyRefs: reference-counted kernel policies.
//
// A CHILD_SA and its rekeyed successor (and several road-warrior CHILD_SAs
// of one connection) can need the same policy (same selectors, direction,
// if_id). The first user installs it, the last one removes it, so a
// make-before-break rekey never leaves a gap.
#pragma once

#include <map>
#include <tuple>

#include "daemon/base/status.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::ike {

class PolicyRefs {
 public:
  explicit PolicyRefs(kernel::KernelIpsec& kernel) : kernel_(kernel) {}

  Status Acquire(const kernel::PolicyId& id, const kernel::PolicyData& data);
  void Release(const kernel::PolicyId& id);
  size_t size() const { return refs_.size(); }

 private:
  using Key = std::tuple<std::string, std::string, uint8_t, uint32_t, uint32_t>;
  static Key KeyOf(const kernel::PolicyId& id);

  kernel::KernelIpsec& kernel_;
  std::map<Key, int> refs_;
};

}  // namespace ikevpn::ike
