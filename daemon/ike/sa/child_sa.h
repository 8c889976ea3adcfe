// ChildSa: one negotiated pair of ESP SAs (RFC 7296 §1.3) and what it
// installed in the kernel.
//
// A ChildSa owns its kernel state: Install() adds the inbound and outbound
// SAs and the policies (with the tunnel's if_id) and tells the interface
// manager; Uninstall() removes exactly that, and is idempotent. Keys are
// handed to the kernel at Install() and not kept, except the outbound ones
// of a deferred outbound SA until it is added (or the CHILD_SA goes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/base/timers.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/ike/sa/child_lifetimes.h"
#include "daemon/ike/sa/proposal_select.h"
#include "daemon/ike/sa/rekey_collision.h"
#include "daemon/ike/sa/sa_state.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::ifmgr {
class InterfaceManager;
}

namespace ikevpn::ike {

class PolicyRefs;

// The kernel-side services a CHILD_SA installs itself through.
struct ChildSaKernel {
  kernel::KernelIpsec& kernel;
  ifmgr::InterfaceManager& interfaces;
  PolicyRefs& policies;
};

// Everything Install() needs besides what the ChildSa already holds.
struct ChildSaKeysForInstall {
  SecretBytes encr_out, integ_out;  // our outbound direction
  SecretBytes encr_in, integ_in;
};

// When Install() adds the outbound SA. kDeferred: the responder of a
// CHILD_SA rekey keeps sending with the old SA until the initiator, which
// installs the new inbound SA only on our answer, deletes it
// (exchange/child_rekey.cc); InstallDeferredOutbound() adds it then.
enum class OutboundStart { kNow, kDeferred };

class ChildSa {
 public:
  ChildSa(uint64_t id, uint64_t ike_sa_id, uint32_t reqid);
  ~ChildSa();
  ChildSa(const ChildSa&) = delete;
  ChildSa& operator=(const ChildSa&) = delete;

  uint64_t id() const { return id_; }
  uint64_t ike_sa_id() const { return ike_sa_id_; }
  void set_ike_sa_id(uint64_t id) { ike_sa_id_ = id; }  // moves with an IKE rekey
  uint32_t reqid() const { return reqid_; }
  ChildSaState state() const { return state_; }
  // The one place the state changes: checks the transition, logs it.
  void SetState(ChildSaState next);

  // Negotiated parameters (set during negotiation, before Install()).
  uint32_t spi_in = 0;   // ours: the peer sends with it
  uint32_t spi_out = 0;  // the peer's
  ChosenAlgorithms algorithms;
  kernel::IpsecMode mode = kernel::IpsecMode::kTunnel;
  TrafficSelectors local_ts;
  TrafficSelectors remote_ts;
  uint32_t if_id = 0;
  std::string interface;
  bool encap = false;  // UDP encapsulation (NAT-T)
  uint16_t encap_local_port = 0, encap_remote_port = 0;
  int64_t established = 0;  // wall-clock seconds
  int64_t rekey_at = 0;     // wall-clock seconds, 0 = never
  TimerId rekey_timer = kNoTimer;
  TimerId expire_timer = kNoTimer;
  TimerId outbound_timer = kNoTimer;  // the deferred outbound SA's deadline
  // Cancels all three timers.
  void CancelTimers(Timers& timers);
  // The peer's rekey of this CHILD_SA that crossed ours (§2.8.1).
  std::optional<PeerRekey> peer_rekey;

  bool installed() const { return installed_; }

  // Adds inbound and outbound SAs (kernel soft/hard `lifetimes`, the daemon
  // rekeys before both) and in/out/fwd policies (PolicyPriority) for every local x remote
  // selector pair, then counts the SA on its interface. Rolls back on
  // failure.
  Status Install(ChildSaKernel& k, const IpAddress& local, const IpAddress& remote, ChildSaKeysForInstall keys,
                 const ChildKernelLifetimes& lifetimes, OutboundStart outbound = OutboundStart::kNow);
  // Whether Install() kept the outbound SA back (kDeferred) and it is not
  // added yet.
  bool outbound_deferred() const { return deferred_outbound_.has_value(); }
  // Adds the outbound SA Install() kept back; no-op if there is none. The
  // kernel prefers the newest SA of a policy, so traffic moves to it.
  Status InstallDeferredOutbound(kernel::KernelIpsec& kernel);
  // Removes the outbound SA only (after a rekey, the outbound one is gone
  // first so traffic moves to the successor).
  void UninstallOutbound(kernel::KernelIpsec& kernel);
  // Removes everything Install() added. Safe to call twice.
  void Uninstall(ChildSaKernel& k);
  // Moves both SAs to new outer addresses (MOBIKE, NAT mapping change)
  // and re-adds the policies with templates naming them.
  Status UpdateAddresses(kernel::KernelIpsec& kernel, const IpAddress& local,
                         const IpAddress& remote, bool encap, uint16_t lport, uint16_t rport);

  kernel::SaId InboundId() const;
  kernel::SaId OutboundId() const;

 private:
  std::vector<kernel::PolicyId> Policies() const;
  // The policy's data, its template naming the current outer addresses.
  kernel::PolicyData PolicyDataFor(const kernel::PolicyId& p) const;

  uint64_t id_;
  uint64_t ike_sa_id_;
  uint32_t reqid_;
  ChildSaState state_ = ChildSaState::kCreating;
  bool installed_ = false;
  bool outbound_installed_ = false;
  std::optional<kernel::SaData> deferred_outbound_;  // with its keys
  bool policies_installed_ = false;
  bool counted_on_interface_ = false;
  IpAddress local_;   // outer addresses the SAs were installed with
  IpAddress remote_;
};

}  // namespace ikevpn::ike
