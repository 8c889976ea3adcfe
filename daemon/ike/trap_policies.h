// TrapPolicies: the kernel policies that make a connection start on traffic
// (start-action = trap, or dpd-action = trap after the peer died).
//
// For each configured local x remote selector pair of one family, one out
// policy with the connection's if_id, PolicyPriority and a template (ESP,
// the connection's mode, tunnel endpoints local -> remote, the trap's
// reqid). The first packet that matches it finds no SA for the template
// and the kernel sends XFRM_MSG_ACQUIRE (Engine::OnAcquire initiates).
// The CHILD_SAs of the connection take the trap's reqid (Engine::ReqidFor),
// so once one is installed its SAs satisfy the same policy; its policies
// with the same selectors are the trap's, counted once more in PolicyRefs.
// When the CHILD_SA goes, the trap's reference keeps the policy.
//
// A route-based trap also counts as a user of the connection's interface
// (InterfaceManager::ChildSaInstalled), so the link is up and its routes
// lead traffic into the policy while the trap is armed.
//
// Only backends that send acquires get traps (KernelIpsec::SendsAcquires):
// the userspace backend has none, a trap connection there waits for `up`
// or the peer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/base/status.h"
#include "daemon/config/connection.h"
#include "daemon/ike/sa/child_sa.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::ike {

// The out policies of a trap for connection `c` (pure). Errors: no fixed
// remote address, no if_id yet (interface from the pool), dynamic local
// selectors without a local address or virtual IP, no selector pair of one
// family.
Result<std::vector<std::pair<kernel::PolicyId, kernel::PolicyData>>> TrapPoliciesFor(const config::Connection& c,
                                                                                    uint32_t reqid);

class TrapPolicies {
 public:
  explicit TrapPolicies(ChildSaKernel& kernel) : kernel_(kernel) {}

  // Arms `c` with `reqid` (nothing if it is armed already). Rolls back on
  // failure.
  Status Arm(const config::Connection& c, uint32_t reqid);
  // Removes the trap of connection `name`, if any.
  void Disarm(const std::string& name);
  // The reqid of the armed connection `name`.
  std::optional<uint32_t> ReqidOf(const std::string& name) const;
  // The armed connection whose trap has `reqid`.
  std::optional<std::string> ConnectionOf(uint32_t reqid) const;
  size_t size() const { return traps_.size(); }

 private:
  struct Trap {
    uint32_t reqid = 0;
    uint32_t if_id = 0;
    bool counted_on_interface = false;
    std::vector<kernel::PolicyId> policies;
  };

  ChildSaKernel& kernel_;
  std::map<std::string, Trap> traps_;
};

}  // namespace ikevpn::ike
