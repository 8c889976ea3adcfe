#include "daemon/kernel/userspace/userspace_ipsec.h"

#include "daemon/kernel/userspace/tun_io.h"

#include <sys/socket.h>

#include <cerrno>

#include <algorithm>
#include <chrono>

#include "daemon/base/log.h"
#include "daemon/kernel/userspace/udp_io.h"

namespace ikevpn::kernel::userspace {

namespace {

bool SamePolicy(const PolicyId& a, const PolicyId& b) {
  return a.src == b.src && a.dst == b.dst && a.dir == b.dir && a.if_id == b.if_id &&
         a.mark == b.mark && a.mark_mask == b.mark_mask;
}

// RFC 3948 §2.3: a NAT-keepalive packet is one octet, 0xFF.
constexpr uint8_t kKeepalive = 0xff;

}  // namespace

UserspaceIpsec::UserspaceIpsec(EventLoop& loop, Rng& rng, UserspaceOptions options)
    : loop_(loop),
      options_(std::move(options)),
      table_(loop, rng, options_.cipher_factory),
      datapath_(table_, *this, *this, counters_, loop.clock(), options_.datapath),
      self_(std::make_shared<UserspaceIpsec*>(this)) {
  table_.SetExpireHandler([this](const SaId& id, uint32_t reqid, ExpireKind kind) {
    if (listener_) listener_->OnExpire(id, reqid, kind);
  });
  ScheduleKeepalives();
}

UserspaceIpsec::~UserspaceIpsec() {
  datapath_.Stop();
  loop_.Cancel(keepalive_timer_);
  self_.reset();
}

Result<uint32_t> UserspaceIpsec::AllocateSpi(const IpAddress&, const IpAddress&,
                                             ike::ProtocolId proto) {
  if (proto != ike::ProtocolId::kEsp) return Status(Code::kUnsupported, "userspace backend: ESP only");
  return table_.AllocateSpi();
}

Status UserspaceIpsec::AddSa(const SaId& id, const SaData& data) {
  return table_.Add(id, data).Annotate("userspace AddSa");
}

Status UserspaceIpsec::UpdateSa(const SaId& id, const IpAddress& new_src,
                                const IpAddress& new_dst, const std::optional<UdpEncap>& encap) {
  return table_.Update(id, new_src, new_dst, encap);
}

Status UserspaceIpsec::DeleteSa(const SaId& id) { return table_.Delete(id); }

Result<SaStats> UserspaceIpsec::QuerySa(const SaId& id) { return table_.Query(id); }

Status UserspaceIpsec::AddPolicy(const PolicyId& id, const PolicyData& data) {
  for (const auto& [existing, unused] : policies_) {
    if (SamePolicy(existing, id)) return Status(Code::kExists, "policy exists");
  }
  policies_.emplace_back(id, data);
  return Status::Ok();
}

Status UserspaceIpsec::DeletePolicy(const PolicyId& id) {
  auto it = std::find_if(policies_.begin(), policies_.end(),
                         [&](const auto& p) { return SamePolicy(p.first, id); });
  if (it == policies_.end()) return Status(Code::kNotFound, "no such policy");
  policies_.erase(it);
  return Status::Ok();
}

Status UserspaceIpsec::AttachIkeSocket(int fd, uint16_t port, IkeDatagramHandler ike_rx) {
  if (port != ike::kNatTPort) return Status::Ok();  // port 500: the daemon reads it
  uint16_t local_port = 0;
  int family = PrepareNatTSocket(fd, &local_port);
  if (family < 0) return ErrnoStatus("preparing the NAT-T socket", errno);
  if (options_.start_datapath) IKEVPN_RETURN_IF_ERROR(datapath_.Start());
  table_.SetSocket(family, fd);
  ike_handlers_[fd] = std::make_shared<IkeDatagramHandler>(std::move(ike_rx));
  if (datapath_.running()) {
    Status st = datapath_.AddSocket(fd, local_port);
    if (!st.ok()) {
      table_.SetSocket(family, -1);
      ike_handlers_.erase(fd);
      return st;
    }
  }
  return Status::Ok();
}

void UserspaceIpsec::DetachIkeSocket(int fd) {
  if (!ike_handlers_.erase(fd)) return;
  datapath_.RemoveSocket(fd);
  if (table_.index().socket_v4 == fd) table_.SetSocket(AF_INET, -1);
  if (table_.index().socket_v6 == fd) table_.SetSocket(AF_INET6, -1);
}

Status UserspaceIpsec::AttachTun(uint32_t if_id, int fd) {
  if (tuns_.count(if_id)) return Status(Code::kExists, "TUN already attached for if_id");
  if (options_.start_datapath) IKEVPN_RETURN_IF_ERROR(datapath_.Start());
  // A device with IFF_VNET_HDR gets TCP super-packets (offload); the
  // datapath segments and coalesces them itself.
  IKEVPN_ASSIGN_OR_RETURN(bool vnet_hdr, SetupTunOffload(fd));
  IKEVPN_RETURN_IF_ERROR(table_.AttachTun(if_id, TunRef{fd, vnet_hdr}));
  if (datapath_.running()) {
    Status st = datapath_.AddTun(if_id, fd);
    if (!st.ok()) {
      (void)table_.DetachTun(if_id);
      return st;
    }
  }
  tuns_[if_id] = fd;
  return Status::Ok();
}

Status UserspaceIpsec::DetachTun(uint32_t if_id) {
  auto it = tuns_.find(if_id);
  if (it == tuns_.end()) return Status(Code::kNotFound, "no TUN attached for if_id");
  datapath_.RemoveTun(it->second);
  tuns_.erase(it);
  return table_.DetachTun(if_id);
}

Status UserspaceIpsec::FlushOwned() {
  // Nothing outlives the process: SAs and policies live only in here.
  table_.Clear();
  policies_.clear();
  return Status::Ok();
}

void UserspaceIpsec::ScheduleKeepalives() {
  if (options_.keepalive_seconds == 0) return;
  keepalive_timer_ = loop_.Schedule(std::chrono::seconds(options_.keepalive_seconds), [this] {
    keepalive_timer_ = kNoTimer;
    SendKeepalives();
    ScheduleKeepalives();
  });
}

void UserspaceIpsec::SendKeepalives() {
  int64_t now = loop_.clock().WallSeconds();
  int64_t interval = options_.keepalive_seconds;
  std::vector<Endpoint> done;
  table_.ForEach([&](const SaEntry& sa) {
    if (sa.inbound || sa.expired.load(std::memory_order_relaxed)) return;
    if (now - sa.counters.last_use.load(std::memory_order_relaxed) < interval) return;
    if (std::find(done.begin(), done.end(), sa.peer) != done.end()) return;
    int fd = table_.index().SocketFor(sa.peer.address);
    if (fd < 0) return;
    done.push_back(sa.peer);
    sockaddr_storage ss;
    socklen_t len = sa.peer.ToSockaddr(&ss);
    if (sendto(fd, &kKeepalive, 1, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), len) == 1) {
      counters_.keepalives_tx.fetch_add(1, std::memory_order_relaxed);
    }
  });
}

void UserspaceIpsec::OnLimit(uint64_t serial, ExpireKind kind) {
  std::weak_ptr<UserspaceIpsec*> weak = self_;
  loop_.Post([weak, serial, kind] {
    if (auto self = weak.lock()) (*self)->table_.ReportLimit(serial, kind);
  });
}

void UserspaceIpsec::OnMapping(uint64_t serial, const Endpoint& from) {
  std::weak_ptr<UserspaceIpsec*> weak = self_;
  loop_.Post([weak, serial, from] {
    auto self = weak.lock();
    if (!self) return;
    UserspaceIpsec& me = **self;
    const SaEntry* sa = me.table_.FindBySerial(serial);
    if (sa && me.listener_) me.listener_->OnMapping(sa->id, from);
  });
}

void UserspaceIpsec::OnIkeDatagram(int socket_fd, ByteSpan message, const Endpoint& from,
                                   const Endpoint& to) {
  if (ike_in_flight_.fetch_add(1, std::memory_order_relaxed) >= options_.ike_queue_limit) {
    ike_in_flight_.fetch_sub(1, std::memory_order_relaxed);
    counters_.ike_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_.ike_rx.fetch_add(1, std::memory_order_relaxed);
  std::weak_ptr<UserspaceIpsec*> weak = self_;
  loop_.Post([weak, socket_fd, bytes = Bytes(message.begin(), message.end()), from, to] {
    auto self = weak.lock();
    if (!self) return;
    UserspaceIpsec& me = **self;
    me.ike_in_flight_.fetch_sub(1, std::memory_order_relaxed);
    auto it = me.ike_handlers_.find(socket_fd);
    if (it == me.ike_handlers_.end()) return;
    std::shared_ptr<IkeDatagramHandler> handler = it->second;  // may detach itself
    (*handler)(bytes, from, to);
  });
}

}  // namespace ikevpn::kernel::userspace
