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

class UdpRxBatch {
 public:
  UdpRxBatch(size_t count, size_t slot_size);

  size_t capacity() const { return packets_.size(); }
  // Receives up to capacity() datagrams without blocking. Returns how many
  // (0 if none were waiting or on error).
  size_t Receive(int fd, uint16_t local_port);
  PacketBuffer& packet(size_t i) { return packets_[i]; }
  const Endpoint& source(size_t i) const { return sources_[i]; }
  const Endpoint& destination(size_t i) const { return destinations_[i]; }

 private:
  std::vector<uint8_t> storage_;
  std::vector<PacketBuffer> packets_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<sockaddr_storage> addrs_;
  std::vector<uint64_t> control_;  // cmsg space, 8-byte aligned
  std::vector<Endpoint> sources_;
  std::vector<Endpoint> destinations_;
  size_t slot_size_;
};

class UdpTxBatch {
 public:
  explicit UdpTxBatch(size_t count);

  size_t size() const { return used_; }
  bool full() const { return used_ == msgs_.size(); }
  // Queues `pkt` (not copied: it must stay valid until Flush) for `to`.
  void Add(const PacketBuffer& pkt, const Endpoint& to);
  // Sends everything queued on `fd`; returns the number of datagrams dropped
  // because the socket would block or failed.
  size_t Flush(int fd);

 private:
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<sockaddr_storage> addrs_;
  size_t used_ = 0;
};

}  // namespace ikevpn::kernel::userspace
