#include "daemon/ike/sa/child_sa.h"

#include "daemon/base/log.h"
#include "daemon/ifmgr/interface_manager.h"
#include "daemon/kernel/policy_priority.h"
#include "daemon/ike/sa/policy_refs.h"

namespace ikevpn::ike {

ChildSa::ChildSa(uint64_t id, uint64_t ike_sa_id, uint32_t reqid)
    : id_(id), ike_sa_id_(ike_sa_id), reqid_(reqid) {}

ChildSa::~ChildSa() = default;

void ChildSa::SetState(ChildSaState next) {
  if (next == state_) return;
  if (!IsValidTransition(state_, next)) {
    IKEVPN_LOG(kIke, kError) << "CHILD_SA #" << id_ << ": invalid transition " << ToString(state_)
                             << " -> " << ToString(next);
  }
  IKEVPN_LOG(kIke, kDebug) << "CHILD_SA #" << id_ << " " << ToString(state_) << " -> " << ToString(next);
  state_ = next;
}

kernel::SaId ChildSa::InboundId() const {
  kernel::SaId id;
  id.src = remote_;
  id.dst = local_;
  id.spi = spi_in;
  id.if_id = if_id;
  return id;
}

kernel::SaId ChildSa::OutboundId() const {
  kernel::SaId id;
  id.src = local_;
  id.dst = remote_;
  id.spi = spi_out;
  id.if_id = if_id;
  return id;
}

std::vector<kernel::PolicyId> ChildSa::Policies() const {
  std::vector<kernel::PolicyId> out;
  for (const TrafficSelector& l : local_ts) {
    for (const TrafficSelector& r : remote_ts) {
      if (l.family() != r.family()) continue;
      out.push_back({l, r, kernel::PolicyDir::kOut, if_id});
      out.push_back({r, l, kernel::PolicyDir::kIn, if_id});
      out.push_back({r, l, kernel::PolicyDir::kFwd, if_id});
    }
  }
  return out;
}

kernel::PolicyData ChildSa::PolicyDataFor(const kernel::PolicyId& p) const {
  kernel::PolicyData pd;
  pd.reqid = reqid_;
  pd.mode = mode;
  pd.priority = kernel::PolicyPriority(p.src, p.dst);
  pd.tmpl_src = p.dir == kernel::PolicyDir::kOut ? local_ : remote_;
  pd.tmpl_dst = p.dir == kernel::PolicyDir::kOut ? remote_ : local_;
  return pd;
}

void ChildSa::CancelTimers(Timers& timers) {
  for (TimerId* t : {&rekey_timer, &expire_timer, &outbound_timer}) {
    if (*t != kNoTimer) timers.Cancel(*t);
    *t = kNoTimer;
  }
}

Status ChildSa::Install(ChildSaKernel& k, const IpAddress& local, const IpAddress& remote, ChildSaKeysForInstall keys,
                        const ChildKernelLifetimes& lifetimes, OutboundStart outbound) {
  local_ = local;
  remote_ = remote;
  kernel::SaData data;
  data.mode = mode;
  data.reqid = reqid_;
  data.encr = static_cast<EncrId>(algorithms.encr ? algorithms.encr->id : 0);
  data.encr_key_bits = algorithms.encr ? algorithms.encr->key_length : 0;
  if (data.encr == EncrId::kChaCha20Poly1305) data.encr_key_bits = 256;
  data.integ = static_cast<IntegId>(algorithms.integ ? algorithms.integ->id : 0);
  data.esn = algorithms.esn && algorithms.esn->id == static_cast<uint16_t>(EsnId::kEsn);
  if (encap) data.encap = kernel::UdpEncap{encap_local_port, encap_remote_port};
  data.soft.seconds = lifetimes.soft_seconds;
  data.hard.seconds = lifetimes.hard_seconds;
  data.local_ts = local_ts;
  data.remote_ts = remote_ts;

  kernel::SaData in = data;
  in.inbound = true;
  in.encr_key = std::move(keys.encr_in);
  in.integ_key = std::move(keys.integ_in);
  // Inbound encapsulation is seen from the peer: its port is the source.
  if (in.encap) in.encap = kernel::UdpEncap{encap_remote_port, encap_local_port};
  IKEVPN_RETURN_IF_ERROR(k.kernel.AddSa(InboundId(), in).Annotate("adding inbound SA"));
  installed_ = true;

  kernel::SaData out = std::move(data);
  out.encr_key = std::move(keys.encr_out);
  out.integ_key = std::move(keys.integ_out);
  if (outbound == OutboundStart::kDeferred) {
    deferred_outbound_ = std::move(out);
  } else if (Status s = k.kernel.AddSa(OutboundId(), out); !s.ok()) {
    Uninstall(k);
    return s.Annotate("adding outbound SA");
  } else {
    outbound_installed_ = true;
  }

  size_t acquired = 0;
  for (const kernel::PolicyId& p : Policies()) {
    if (Status s = k.policies.Acquire(p, PolicyDataFor(p)); !s.ok()) {
      for (size_t i = 0; i < acquired; ++i) k.policies.Release(Policies()[i]);
      Uninstall(k);
      return s.Annotate("adding policy");
    }
    ++acquired;
  }
  policies_installed_ = true;
  if (if_id != 0) {
    if (Status s = k.interfaces.ChildSaInstalled(if_id); !s.ok()) {
      IKEVPN_LOG(kIke, kWarn) << "CHILD_SA #" << id_ << ": interface " << interface << ": " << s.ToString();
    } else {
      counted_on_interface_ = true;
    }
  }
  return Status::Ok();
}

Status ChildSa::InstallDeferredOutbound(kernel::KernelIpsec& kernel) {
  if (!deferred_outbound_) return Status::Ok();
  kernel::SaData out = std::move(*deferred_outbound_);
  deferred_outbound_.reset();
  if (!installed_) return Status::Ok();
  IKEVPN_RETURN_IF_ERROR(kernel.AddSa(OutboundId(), out).Annotate("adding outbound SA"));
  outbound_installed_ = true;
  return Status::Ok();
}

void ChildSa::UninstallOutbound(kernel::KernelIpsec& kernel) {
  deferred_outbound_.reset();
  if (!outbound_installed_) return;
  Status s = kernel.DeleteSa(OutboundId());
  if (!s.ok() && s.code() != Code::kNotFound)
    IKEVPN_LOG(kKnl, kWarn) << "deleting outbound SA " << OutboundId().ToString() << ": " << s.ToString();
  outbound_installed_ = false;
}

void ChildSa::Uninstall(ChildSaKernel& k) {
  if (!installed_) return;
  // Policies are shared with a rekeyed successor: PolicyRefs removes them
  // when the last user goes.
  if (policies_installed_) {
    for (const kernel::PolicyId& p : Policies()) k.policies.Release(p);
    policies_installed_ = false;
  }
  UninstallOutbound(k.kernel);
  Status s = k.kernel.DeleteSa(InboundId());
  if (!s.ok() && s.code() != Code::kNotFound)
    IKEVPN_LOG(kKnl, kWarn) << "deleting inbound SA " << InboundId().ToString() << ": " << s.ToString();
  installed_ = false;
  if (counted_on_interface_) {
    counted_on_interface_ = false;
    if (Status st = k.interfaces.ChildSaRemoved(if_id); !st.ok())
      IKEVPN_LOG(kIke, kWarn) << "CHILD_SA #" << id_ << ": interface " << interface << ": " << st.ToString();
  }
}

Status ChildSa::UpdateAddresses(kernel::KernelIpsec& kernel, const IpAddress& local,
                                const IpAddress& remote, bool new_encap, uint16_t lport,
                                uint16_t rport) {
  std::optional<kernel::UdpEncap> out_encap, in_encap;
  if (new_encap) {
    out_encap = kernel::UdpEncap{lport, rport};
    in_encap = kernel::UdpEncap{rport, lport};
  }
  if (installed_) IKEVPN_RETURN_IF_ERROR(kernel.UpdateSa(InboundId(), remote, local, in_encap));
  if (outbound_installed_) IKEVPN_RETURN_IF_ERROR(kernel.UpdateSa(OutboundId(), local, remote, out_encap));
  if (deferred_outbound_) deferred_outbound_->encap = out_encap;
  local_ = local;
  remote_ = remote;
  encap = new_encap;
  encap_local_port = lport;
  encap_remote_port = rport;
  // The policies' templates name the outer addresses: adding them again
  // replaces them (xfrm UPDPOLICY); a backend that keeps none reports kExists.
  if (policies_installed_ && mode == kernel::IpsecMode::kTunnel) {
    for (const kernel::PolicyId& p : Policies()) {
      Status s = kernel.AddPolicy(p, PolicyDataFor(p));
      if (!s.ok() && s.code() != Code::kExists) return s.Annotate("updating policy templates");
    }
  }
  return Status::Ok();
}

}  // namespace ikevpn::ike
