// UserspaceIpsec: the KernelIpsec backend for kernels without ESP or xfrm
// interfaces. ipsecN are TUN devices (from the interface manager, handed
// over with AttachTun); ESP-in-UDP (RFC 4303, RFC 3948) runs in the
// Datapath workers on the IKE NAT-T socket, which this backend reads itself
// (AttachIkeSocket) and whose IKE datagrams it hands back to the loop.
//
// Route-based semantics: AddPolicy/DeletePolicy are accepted and recorded
// (so the IKE side behaves as with xfrm) but not enforced — the route sends
// traffic into ipsecN and the SA's traffic selectors decide: outbound
// packets need an SA on that if_id whose selectors match them, inbound
// packets must match the selectors of the SA that decrypted them.
//
// Every SA needs UDP encapsulation (the IKE side must force NAT-T, as
// strongSwan's libipsec does); the encap source port is whatever the
// attached socket is bound to.
//
// All methods run on the loop thread; events reach the listener there.
#pragma once

#include <atomic>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "daemon/base/event_loop.h"
#include "daemon/base/rng.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/userspace/datapath.h"
#include "daemon/kernel/userspace/sa_table.h"

namespace ikevpn::kernel::userspace {

struct UserspaceOptions {
  // RFC 3948 §2.3 NAT keepalive interval when a peer got no ESP from us (0: off).
  uint32_t keepalive_seconds = 20;
  // IKE datagrams waiting for the loop; more are dropped (flood protection).
  size_t ike_queue_limit = 512;
  DatapathOptions datapath;
  // Tests may run without worker threads (packets then go through EspEngine
  // directly) or with a fake cipher.
  bool start_datapath = true;
  SaTable::CipherFactory cipher_factory;
};

class UserspaceIpsec final : public KernelIpsec, private SaEventSink, private IkeSink {
 public:
  // `loop` and `rng` (SPIs) must outlive this object.
  UserspaceIpsec(EventLoop& loop, Rng& rng, UserspaceOptions options = {});
  ~UserspaceIpsec() override;

  std::string_view name() const override { return "userspace"; }
  // The datapath workers read the NAT-T sockets (ESP and IKE).
  bool ReadsEncapSockets() const override { return true; }
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
  Status FlushOwned() override;

  // The TUN device of interface `if_id` (IFF_TUN | IFF_NO_PI, with or
  // without IFF_VNET_HDR; made non-blocking; offload enabled if vnet). The fd stays the caller's: DetachTun before closing it.
  Status AttachTun(uint32_t if_id, int fd);
  Status DetachTun(uint32_t if_id);
  // Stops reading `fd` (before the daemon closes it).
  void DetachIkeSocket(int fd);

  // Sends a NAT keepalive to every peer that got no ESP for the interval.
  // Runs on its own timer; public for tests.
  void SendKeepalives();

  const DatapathCounters& counters() const { return counters_; }
  size_t policy_count() const { return policies_.size(); }
  SaTable& table() { return table_; }

 private:
  // SaEventSink / IkeSink: worker threads.
  void OnLimit(uint64_t serial, ExpireKind kind) override;
  void OnMapping(uint64_t serial, const Endpoint& from) override;
  void OnIkeDatagram(int socket_fd, ByteSpan message, const Endpoint& from,
                     const Endpoint& to) override;

  void ScheduleKeepalives();

  EventLoop& loop_;
  UserspaceOptions options_;
  DatapathCounters counters_;
  SaTable table_;
  Datapath datapath_;
  KernelListener* listener_ = nullptr;
  std::unordered_map<int, std::shared_ptr<IkeDatagramHandler>> ike_handlers_;
  std::unordered_map<uint32_t, int> tuns_;
  std::atomic<size_t> ike_in_flight_{0};
  std::vector<std::pair<PolicyId, PolicyData>> policies_;
  TimerId keepalive_timer_ = kNoTimer;
  // Posted closures hold a weak reference: they do nothing once we are gone.
  std::shared_ptr<UserspaceIpsec*> self_;
};

}  // namespace ikevpn::kernel::userspace
