// Datapath: the worker threads of the userspace ESP backend.
//
//   outbound worker:  TUN fds (epoll) --read in bulk--> EspEngine::Encapsulate
//                     --sendmmsg--> peer, on the shared port-4500 socket
//   inbound worker:   port-4500 sockets (epoll) --recvmmsg--> classify:
//                     ESP -> EspEngine::Decapsulate --write--> TUN of the SA's if_id
//                     IKE (non-ESP marker) -> IkeSink (the loop, bounded)
//                     NAT keepalive (0xFF) -> counted, ignored
//
// Each worker owns fixed buffers (batch x slot) allocated at Start and holds
// its ReaderLock slot for one batch at a time, so the loop thread can change
// the SA table between batches; nothing is queued between threads except
// IKE datagrams, whose number in flight the IkeSink bounds.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "daemon/base/clock.h"
#include "daemon/base/status.h"
#include "daemon/kernel/userspace/esp_engine.h"
#include "daemon/kernel/userspace/sa_table.h"
#include "daemon/kernel/userspace/tun_coalesce.h"
#include "daemon/kernel/userspace/tun_segment.h"
#include "daemon/kernel/userspace/udp_io.h"

namespace ikevpn::kernel::userspace {

// Receives the IKE datagrams found on a NAT-T socket (marker removed).
// Called on the inbound worker; must not block.
class IkeSink {
 public:
  virtual ~IkeSink() = default;
  virtual void OnIkeDatagram(int socket_fd, ByteSpan message, const Endpoint& from,
                             const Endpoint& to) = 0;
};

struct DatapathOptions {
  size_t batch = 64;         // packets per recvmmsg/sendmmsg/TUN read round
  size_t slot_size = 4096;   // bytes per packet slot (inner MTU + ~128)
  bool udp_gso = true;       // UDP_SEGMENT on send (turned off if refused)
  bool udp_gro = true;       // UDP_GRO on the NAT-T sockets
  size_t gro_batch = 16;     // 64 KB messages per recvmmsg with GRO
  int socket_buffer = 4 << 20;  // SO_RCVBUF/SO_SNDBUF of the NAT-T sockets
};

class Datapath {
 public:
  Datapath(SaTable& table, SaEventSink& events, IkeSink& ike, DatapathCounters& counters,
           const Clock& clock, DatapathOptions options = {});
  ~Datapath();
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;

  Status Start();
  // Stops and joins the workers. Idempotent.
  void Stop();
  bool running() const { return running_; }

  // Loop thread. The SaTable entry must exist before AddTun and be removed
  // after RemoveTun (UserspaceIpsec keeps that order).
  Status AddTun(uint32_t if_id, int fd);
  void RemoveTun(int fd);
  Status AddSocket(int fd, uint16_t local_port);
  void RemoveSocket(int fd);

 private:
  static constexpr size_t kOutboundSlot = 0;
  static constexpr size_t kInboundSlot = 1;

  void OutboundLoop();
  void InboundLoop();
  // What the outbound worker owns.
  struct OutboundState;
  // Each returns how many packets it took in.
  size_t HandleTun(uint32_t if_id, OutboundState& out);
  // TUN with IFF_VNET_HDR: reads super-packets and segments them; returns
  // how many reads it made.
  size_t HandleVnetTun(uint32_t if_id, TunRef tun, const SaIndex& index, OutboundState& out);
  // Seals `pkt` and queues it for its peer; flushes when the batch is full.
  void Send(uint32_t if_id, int64_t now, const SaIndex& index, PacketBuffer& pkt,
            OutboundState& out);
  void FlushSends(const SaIndex& index, OutboundState& out);
  size_t HandleSocket(int fd, uint16_t local_port, EspEngine& engine, UdpRxBatch& rx,
                      TunWriter& writer);

  SaTable& table_;
  SaEventSink& events_;
  IkeSink& ike_;
  DatapathCounters& counters_;
  const Clock& clock_;
  DatapathOptions options_;
  int out_epoll_ = -1;
  int in_epoll_ = -1;
  int wake_fd_ = -1;  // eventfd in both epoll sets; written by Stop()
  std::atomic<bool> stop_{false};
  bool running_ = false;
  std::thread outbound_;
  std::thread inbound_;
};

}  // namespace ikevpn::kernel::userspace
