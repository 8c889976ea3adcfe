#include "daemon/kernel/userspace/datapath.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "daemon/base/log.h"
#include "daemon/base/rng.h"
#include "daemon/ike/constants.h"
#include "daemon/kernel/userspace/tun_io.h"
#include "daemon/kernel/userspace/udp_io.h"

namespace ikevpn::kernel::userspace {

namespace {

// epoll data: a tag in the top byte, the rest says which fd.
constexpr uint64_t kTagShift = 56;
constexpr uint64_t kTagWake = 1;
constexpr uint64_t kTagTun = 2;     // low 32 bits: if_id
constexpr uint64_t kTagSocket = 3;  // low 32 bits: fd, bits 32..47: local port
constexpr int kMaxEvents = 16;
// Full batches handled in a row before other fds get their turn.
constexpr int kMaxRounds = 4;

uint64_t Tag(uint64_t data) { return data >> kTagShift; }

Status EpollAdd(int epfd, int fd, uint64_t data) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = data;
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) return ErrnoStatus("epoll_ctl add", errno);
  return Status::Ok();
}

// A worker's main loop: waits for readiness and hands the epoll data of
// every ready fd with `tag` to `handle`, until `stop` is set (and the wake
// fd readable).
template <typename Handler>
void PollUntilStopped(int epfd, uint64_t tag, const std::atomic<bool>& stop, Handler handle) {
  epoll_event events[kMaxEvents];
  while (!stop.load(std::memory_order_relaxed)) {
    int n = epoll_wait(epfd, events, kMaxEvents, -1);
    for (int i = 0; i < n; ++i) {
      if (Tag(events[i].data.u64) == tag) handle(events[i].data.u64);
    }
  }
}

}  // namespace

Datapath::Datapath(SaTable& table, SaEventSink& events, IkeSink& ike, DatapathCounters& counters,
                   const Clock& clock, DatapathOptions options)
    : table_(table),
      events_(events),
      ike_(ike),
      counters_(counters),
      clock_(clock),
      options_(options) {}

Datapath::~Datapath() {
  Stop();
  for (int fd : {out_epoll_, in_epoll_, wake_fd_}) {
    if (fd >= 0) close(fd);
  }
}

Status Datapath::Start() {
  if (running_) return Status::Ok();
  if (options_.batch == 0 || options_.slot_size <= kPacketHeadroom + kPacketTailroom + 64) {
    return Status(Code::kInvalidArgument, "datapath batch/slot size too small");
  }
  if (out_epoll_ < 0) {
    out_epoll_ = epoll_create1(EPOLL_CLOEXEC);
    in_epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (out_epoll_ < 0 || in_epoll_ < 0 || wake_fd_ < 0) return ErrnoStatus("datapath setup", errno);
    IKEVPN_RETURN_IF_ERROR(EpollAdd(out_epoll_, wake_fd_, kTagWake << kTagShift));
    IKEVPN_RETURN_IF_ERROR(EpollAdd(in_epoll_, wake_fd_, kTagWake << kTagShift));
  }
  stop_ = false;
  // Workers inherit a mask that blocks every signal: signals are the
  // loop's business (signalfd), never a datapath thread's.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  outbound_ = std::thread([this] { OutboundLoop(); });
  inbound_ = std::thread([this] { InboundLoop(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  running_ = true;
  return Status::Ok();
}

void Datapath::Stop() {
  if (!running_) return;
  stop_ = true;
  uint64_t one = 1;
  ssize_t n = write(wake_fd_, &one, sizeof one);
  (void)n;
  outbound_.join();
  inbound_.join();
  uint64_t drained;
  n = read(wake_fd_, &drained, sizeof drained);
  running_ = false;
}

Status Datapath::AddTun(uint32_t if_id, int fd) {
  if (out_epoll_ < 0) return Status(Code::kInternal, "datapath not started");
  IKEVPN_RETURN_IF_ERROR(SetNonBlocking(fd));
  return EpollAdd(out_epoll_, fd, kTagTun << kTagShift | if_id);
}

void Datapath::RemoveTun(int fd) {
  if (out_epoll_ >= 0) epoll_ctl(out_epoll_, EPOLL_CTL_DEL, fd, nullptr);
}

Status Datapath::AddSocket(int fd, uint16_t local_port) {
  if (in_epoll_ < 0) return Status(Code::kInternal, "datapath not started");
  // Room for bursts (a GSO send is up to 64 datagrams): a full buffer drops
  // ESP, which TCP inside sees as loss. Bounded, like everything here.
  for (int opt : {SO_RCVBUFFORCE, SO_SNDBUFFORCE}) {
    int size = options_.socket_buffer;
    if (setsockopt(fd, SOL_SOCKET, opt, &size, sizeof size) < 0) {
      int plain = opt == SO_RCVBUFFORCE ? SO_RCVBUF : SO_SNDBUF;  // capped by rmem/wmem_max
      (void)setsockopt(fd, SOL_SOCKET, plain, &size, sizeof size);
    }
  }
  // Without GRO the large slots still take single datagrams.
  if (options_.udp_gro && !EnableUdpGro(fd)) {
    IKEVPN_LOG(kKnl, kInfo) << "UDP_GRO refused on the NAT-T socket: datagrams come one by one";
  }
  return EpollAdd(in_epoll_, fd,
                  kTagSocket << kTagShift | uint64_t{local_port} << 32 | static_cast<uint32_t>(fd));
}

void Datapath::RemoveSocket(int fd) {
  if (in_epoll_ >= 0) epoll_ctl(in_epoll_, EPOLL_CTL_DEL, fd, nullptr);
}

struct Datapath::OutboundState {
  OutboundState(const DatapathOptions& o, SaEventSink& events, DatapathCounters& counters)
      : slot_size(o.slot_size),
        storage(o.batch * o.slot_size),
        packets(o.batch),
        tx_v4(o.batch, o.udp_gso),
        tx_v6(o.batch, o.udp_gso),
        read_buf(kMaxTunRead),
        engine(events, counters, rng) {}

  PacketBuffer& TakeSlot() {
    PacketBuffer& p = packets[used];
    p.Reset(storage.data() + used * slot_size, slot_size);
    ++used;
    return p;
  }

  size_t slot_size;
  std::vector<uint8_t> storage;
  std::vector<PacketBuffer> packets;
  size_t used = 0;  // slots holding packets not yet sent
  UdpTxBatch tx_v4;
  UdpTxBatch tx_v6;
  std::vector<uint8_t> read_buf;  // one TUN read with IFF_VNET_HDR
  TunSegmenter segmenter;
  SystemRng rng;
  EspEngine engine;
};

void Datapath::OutboundLoop() {
  OutboundState out(options_, events_, counters_);
  PollUntilStopped(out_epoll_, kTagTun, stop_, [&](uint64_t data) {
    // While full batches come, read on without going back to epoll.
    for (int round = 0; round < kMaxRounds; ++round) {
      if (HandleTun(static_cast<uint32_t>(data), out) < options_.batch) break;
    }
  });
}

void Datapath::Send(uint32_t if_id, int64_t now, const SaIndex& index, PacketBuffer& pkt,
                    OutboundState& out) {
  Endpoint peer;
  if (out.engine.Encapsulate(index, if_id, now, pkt, &peer) != EspError::kOk) return;
  if (index.SocketFor(peer.address) < 0) {
    counters_.CountDrop(EspError::kNoSocket);
    return;
  }
  (peer.address.is_v4() ? out.tx_v4 : out.tx_v6).Add(pkt, peer);
}

void Datapath::FlushSends(const SaIndex& index, OutboundState& out) {
  size_t dropped = 0;
  if (out.tx_v4.size()) dropped += out.tx_v4.Flush(index.socket_v4);
  if (out.tx_v6.size()) dropped += out.tx_v6.Flush(index.socket_v6);
  if (dropped) counters_.send_dropped.fetch_add(dropped, std::memory_order_relaxed);
  out.used = 0;
}

size_t Datapath::HandleTun(uint32_t if_id, OutboundState& out) {
  ReaderLock::ReadGuard guard(table_.lock(), kOutboundSlot);
  const SaIndex& index = table_.index();
  TunRef tun = index.FindTun(if_id);
  if (tun.fd < 0) return 0;
  if (tun.vnet_hdr) return HandleVnetTun(if_id, tun, index, out);
  out.used = 0;
  for (size_t k = 0; k < out.packets.size(); ++k) out.TakeSlot();
  size_t n = ReadTunBatch(tun.fd, out.packets.data(), options_.batch);
  if (n == 0) return 0;
  int64_t now = clock_.WallSeconds();
  for (size_t i = 0; i < n; ++i) Send(if_id, now, index, out.packets[i], out);
  FlushSends(index, out);
  return n;
}

size_t Datapath::HandleVnetTun(uint32_t if_id, TunRef tun, const SaIndex& index,
                               OutboundState& out) {
  int64_t now = clock_.WallSeconds();
  out.used = 0;
  size_t reads = 0;
  while (reads < options_.batch) {
    ssize_t got = read(tun.fd, out.read_buf.data(), out.read_buf.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // EAGAIN, or the device went away
    ++reads;
    if (!out.segmenter.Start(out.read_buf.data(), static_cast<size_t>(got))) {
      counters_.CountDrop(EspError::kBadInner);
      continue;
    }
    while (out.segmenter.remaining()) {
      if (out.used == out.packets.size()) FlushSends(index, out);
      PacketBuffer& pkt = out.TakeSlot();
      if (!out.segmenter.Next(pkt)) {
        counters_.CountDrop(EspError::kBadInner);
        break;
      }
      Send(if_id, now, index, pkt, out);
    }
  }
  FlushSends(index, out);
  return reads;
}

void Datapath::InboundLoop() {
  bool gro = options_.udp_gro;
  UdpRxBatch rx(gro ? options_.gro_batch : options_.batch,
                gro ? kPacketHeadroom + 65536 + kPacketTailroom : options_.slot_size, gro);
  SystemRng rng;
  EspEngine engine(events_, counters_, rng);
  TunWriter writer;
  PollUntilStopped(in_epoll_, kTagSocket, stop_, [&](uint64_t data) {
    for (int round = 0; round < kMaxRounds; ++round) {
      if (HandleSocket(static_cast<int>(static_cast<uint32_t>(data)),
                       static_cast<uint16_t>(data >> 32), engine, rx, writer) < rx.capacity()) {
        break;
      }
    }
  });
}

// RFC 3948 §2: one port carries ESP, IKE behind the non-ESP marker and
// NAT keepalives.
size_t Datapath::HandleSocket(int fd, uint16_t local_port, EspEngine& engine, UdpRxBatch& rx,
                              TunWriter& writer) {
  size_t n = rx.Receive(fd, local_port);
  if (n == 0) return 0;
  ReaderLock::ReadGuard guard(table_.lock(), kInboundSlot);
  const SaIndex& index = table_.index();
  int64_t now = clock_.WallSeconds();
  for (size_t i = 0; i < n; ++i) {
    PacketBuffer& pkt = rx.packet(i);
    switch (ClassifyNatT({pkt.data(), pkt.length})) {
      case NatTKind::kKeepalive:
        counters_.keepalives_rx.fetch_add(1, std::memory_order_relaxed);
        break;
      case NatTKind::kIke:
        ike_.OnIkeDatagram(fd, {pkt.data() + ike::kNonEspMarkerSize,
                                pkt.length - ike::kNonEspMarkerSize},
                           rx.source(i), rx.destination(i));
        break;
      case NatTKind::kInvalid:
        counters_.CountDrop(EspError::kTooShort);
        break;
      case NatTKind::kEsp: {
        uint32_t if_id = 0;
        if (engine.Decapsulate(index, rx.source(i), now, pkt, &if_id) != EspError::kOk) break;
        TunRef tun = index.FindTun(if_id);
        if (tun.fd < 0) {
          counters_.CountDrop(EspError::kNoTun);
        } else if (size_t dropped = writer.Add(tun.fd, tun.vnet_hdr, pkt)) {
          counters_.send_dropped.fetch_add(dropped, std::memory_order_relaxed);
        }
        break;
      }
    }
  }
  // In-order TCP segments leave as one GSO write; the packets live in `rx`.
  if (size_t dropped = writer.Flush()) {
    counters_.send_dropped.fetch_add(dropped, std::memory_order_relaxed);
  }
  return n;
}

}  // namespace ikevpn::kernel::userspace
