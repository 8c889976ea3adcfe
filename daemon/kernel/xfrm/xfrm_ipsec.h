// XfrmIpsec: KernelIpsec over NETLINK_XFRM (the production backend).
//
// Requests are built by the pure Build* functions (xfrm_sa_messages.h,
// xfrm_policy_messages.h) and sent on one request socket that waits for the
// kernel's answer (bounded by XfrmOptions::request_timeout). Kernel events
// come from an XfrmMonitor on the daemon's EventLoop.
//
// Ownership (see owned_objects.h): every SA and policy must carry an if_id
// in XfrmOptions::owned_if_ids; requests outside it are refused, so that
// FlushOwned() can find leftovers of a crashed run by if_id alone.
//
// IKE sockets: AttachIkeSocket() puts per-socket bypass policies on every
// IKE socket and UDP_ENCAP_ESPINUDP on port-4500 sockets. The kernel then
// decapsulates ESP-in-UDP itself and IKE datagrams still reach the daemon's
// own reader (with the non-ESP marker), so `ike_rx` is not used and
// ReadsEncapSockets() stays false.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "daemon/base/event_loop.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/xfrm/netlink_socket.h"
#include "daemon/kernel/xfrm/owned_objects.h"
#include "daemon/kernel/xfrm/xfrm_monitor.h"
#include "daemon/kernel/xfrm/xfrm_policy_messages.h"
#include "daemon/kernel/xfrm/xfrm_sa_replies.h"

namespace ikevpn::kernel::xfrm {

struct XfrmOptions {
  IfIdRange owned_if_ids = kDefaultOwnedIfIds;
  std::chrono::milliseconds request_timeout{3000};
  // SPIs ALLOCSPI may hand out for inbound SAs.
  uint32_t spi_min = 0x00000100;
  uint32_t spi_max = 0xffffffff;
};

class XfrmIpsec final : public KernelIpsec {
 public:
  // Opens the sockets in the caller's network namespace. With a loop, kernel
  // events are watched on it (the loop must outlive the backend); without,
  // no events are delivered (probes, tests).
  static Result<std::unique_ptr<XfrmIpsec>> Create(EventLoop* loop, XfrmOptions options = {});

  std::string_view name() const override { return "xfrm"; }
  bool SendsAcquires() const override { return true; }
  void SetListener(KernelListener* listener) override { listener_ = listener; }

  Result<uint32_t> AllocateSpi(const IpAddress& src, const IpAddress& dst,
                               ike::ProtocolId proto) override;
  Status AddSa(const SaId& id, const SaData& data) override;
  Status UpdateSa(const SaId& id, const IpAddress& new_src, const IpAddress& new_dst,
                  const std::optional<UdpEncap>& encap) override;
  Status DeleteSa(const SaId& id) override;
  Result<SaStats> QuerySa(const SaId& id) override;

  Status AddPolicy(const PolicyId& id, const PolicyData& data) override;
  Status DeletePolicy(const PolicyId& id) override;

  Status AttachIkeSocket(int fd, uint16_t port, IkeDatagramHandler ike_rx) override;

  // Deletes what is tracked, then every SA and policy in the kernel whose
  // if_id is in the owned range. Continues past errors; returns the first.
  Status FlushOwned() override;

  // Everything in the kernel now (all owners), for status output and tests.
  Result<std::vector<PolicyRecord>> DumpPolicies();
  Result<std::vector<SaRecord>> DumpSas();

  const OwnedObjects& owned() const { return owned_; }
  const XfrmOptions& options() const { return options_; }

  // Turns one kernel event into KernelListener calls (ignoring objects that
  // are not ours). Public so tests can feed parsed events.
  void HandleEvent(const XfrmEvent& event);

 private:
  explicit XfrmIpsec(XfrmOptions options, NetlinkSocket requests);
  Status CheckOwned(uint32_t if_id, std::string_view what) const;
  // GETSA: the kernel's current state of an SA.
  Result<NetlinkSocket::Answer> GetSa(const SaId& id);

  XfrmOptions options_;
  NetlinkSocket requests_;
  std::unique_ptr<XfrmMonitor> monitor_;
  KernelListener* listener_ = nullptr;
  OwnedObjects owned_;
};

}  // namespace ikevpn::kernel::xfrm
