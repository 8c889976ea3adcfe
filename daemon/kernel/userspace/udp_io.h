// Batched UDP I/O on the shared NAT-T socket: recvmmsg into fixed slots and
// sendmmsg from packets that live elsewhere (the TUN read slots). Nothing
// here allocates after construction; a full socket buffer drops the rest of
// a batch instead of queueing it.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "daemon/base/ip_address.h"
#include "daemon/kernel/userspace/packet_buffer.h"

namespace ikevpn::kernel::userspace {

// What the first bytes of a datagram on port 4500 say (RFC 3948 §2).
enum class NatTKind : uint8_t {
  kEsp,        // SPI != 0
  kIke,        // non-ESP marker: 4 zero bytes, then the IKE message
  kKeepalive,  // the single byte 0xFF
  kInvalid,    // too short to be anything
};
NatTKind ClassifyNatT(ByteSpan datagram);

// Turns on IP_PKTINFO / IPV6_RECVPKTINFO so that the local address of each
// datagram is known. Returns the socket's family (AF_INET/AF_INET6) and
// local port, or -1 on error.
int PrepareNatTSocket(int fd, uint16_t* local_port);

// Turns on UDP_GRO (the kernel then hands over runs of equal-sized
// datagrams of one flow as one; UdpRxBatch splits them). False if the
// kernel refuses.
bool EnableUdpGro(int fd);

// Receives with recvmmsg into `count` fixed slots of `slot_size` bytes. With
// `gro` each slot may hold up to kMaxGroSegments datagrams of one flow
// (slot_size must then be at least 64 KB); packet(i) are the datagrams.
class UdpRxBatch {
 public:
  static constexpr size_t kMaxGroSegments = 64;

  UdpRxBatch(size_t count, size_t slot_size, bool gro = false);

  size_t capacity() const { return msgs_.size(); }
  // Receives up to capacity() messages without blocking. Returns how many
  // datagrams (0 if none were waiting or on error).
  size_t Receive(int fd, uint16_t local_port);
  PacketBuffer& packet(size_t i) { return packets_[i]; }
  const Endpoint& source(size_t i) const { return sources_[message_of_[i]]; }
  const Endpoint& destination(size_t i) const { return destinations_[message_of_[i]]; }

 private:
  std::vector<uint8_t> storage_;
  std::vector<PacketBuffer> packets_;   // per datagram
  std::vector<uint32_t> message_of_;    // per datagram
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<sockaddr_storage> addrs_;
  std::vector<uint64_t> control_;  // cmsg space, 8-byte aligned
  std::vector<Endpoint> sources_;       // per message
  std::vector<Endpoint> destinations_;  // per message
  size_t slot_size_;
};

// Sends with sendmmsg. With `gso`, runs of datagrams to one peer of equal
// size (the last may be shorter) go out as one message with UDP_SEGMENT
// (UDP GSO: one trip through the stack for up to 64 datagrams); if the
// kernel or route refuses GSO, it is turned off and the datagrams are sent
// one by one.
class UdpTxBatch {
 public:
  static constexpr size_t kMaxGsoSegments = 64;

  explicit UdpTxBatch(size_t count, bool gso = false);

  size_t size() const { return used_; }
  bool full() const { return used_ == iovs_.size(); }
  bool gso() const { return gso_; }
  // Queues `pkt` (not copied: it must stay valid until Flush) for `to`.
  void Add(const PacketBuffer& pkt, const Endpoint& to);
  // Sends everything queued on `fd`; returns the number of datagrams dropped
  // because the socket would block or failed.
  size_t Flush(int fd);

 private:
  // Fills msgs_ with messages for the packets from `pos`; returns how many.
  size_t BuildMessages(size_t pos);

  std::vector<iovec> iovs_;         // per packet
  std::vector<Endpoint> dests_;     // per packet
  std::vector<mmsghdr> msgs_;       // per message
  std::vector<sockaddr_storage> addrs_;
  std::vector<uint64_t> control_;
  std::vector<size_t> first_;       // first packet of each message, then the end
  size_t used_ = 0;
  bool gso_;
};

}  // namespace ikevpn::kernel::userspace
