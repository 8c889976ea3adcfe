// TunWriter: writes decrypted inner packets to TUN devices. On a device with
// IFF_VNET_HDR, consecutive in-order TCP segments of one flow are joined
// into one GSO super-packet (virtio_net_hdr gso_type TCPV4/TCPV6, checksum
// left to the kernel with NEEDS_CSUM) and written with one writev — the
// receive-side twin of TunSegmenter, like the kernel's GRO. Segments join
// only if the result is what the sender's stack would have cut: same
// addresses, ports, TTL/TOS/flow label, TCP options and ACK, no flags but
// ACK (PSH on the last), equal payload sizes (the last may be shorter),
// contiguous sequence numbers and at most 64 KB.
//
// Packets are not copied: each must stay valid until Flush().
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "daemon/kernel/userspace/packet_buffer.h"

namespace ikevpn::kernel::userspace {

class TunWriter {
 public:
  // Queues `pkt` (an inner IP packet) for the TUN `fd`. Returns the number
  // of packets dropped by writes this caused (device refused them).
  size_t Add(int fd, bool vnet_hdr, const PacketBuffer& pkt);
  // Writes what is queued; returns the number of packets dropped.
  size_t Flush();

  // Super-packets written (for tests).
  uint64_t coalesced_writes() const { return coalesced_writes_; }

 private:
  static constexpr size_t kMaxSegments = 64;

  bool Joins(const uint8_t* p, size_t len) const;
  void StartRun(int fd, bool vnet_hdr, const PacketBuffer& pkt);

  int fd_ = -1;
  bool vnet_hdr_ = false;
  uint8_t* first_ = nullptr;  // the first packet; its headers become the super-packet's
  size_t header_len_ = 0;     // IP + TCP header of the first packet (0: not TCP, no joining)
  size_t l4_ = 0;             // TCP header offset
  size_t mss_ = 0;            // payload size of the first segment
  size_t total_ = 0;          // bytes of the super-packet so far
  uint32_t next_seq_ = 0;
  bool closed_ = false;       // the last segment was short or had PSH
  bool psh_ = false;
  size_t segments_ = 0;
  std::array<iovec, kMaxSegments + 1> iov_{};
  uint64_t coalesced_writes_ = 0;
};

}  // namespace ikevpn::kernel::userspace
