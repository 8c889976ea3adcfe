// TunSegmenter: turns one read from a TUN device opened with IFF_VNET_HDR
// (and TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) into the IP
// packets the kernel would have sent without offload. A read is a
// struct virtio_net_hdr and one packet; with gso_type TCPV4/TCPV6 the packet
// is a TCP super-packet of up to 64 KB that is cut here into gso_size
// payloads, each with its own IP length, IPv4 ID, TCP sequence number and
// checksums (what the kernel's tcp_gso_segment does). With NEEDS_CSUM the
// checksum is finished here. No allocation: each segment is written into a
// caller's slot.
#pragma once

#include <cstddef>
#include <cstdint>

#include "daemon/kernel/userspace/packet_buffer.h"

namespace ikevpn::kernel::userspace {

// struct virtio_net_hdr (virtio 1.x §5.1.6; <linux/virtio_net.h> is not
// valid C++: a member is named `class`). Little-endian fields, as TUN uses
// them on little-endian hosts unless TUNSETVNETBE.
struct VnetHdr {
  static constexpr uint8_t kNeedsCsum = 1;     // VIRTIO_NET_HDR_F_NEEDS_CSUM
  static constexpr uint8_t kGsoNone = 0;       // VIRTIO_NET_HDR_GSO_NONE
  static constexpr uint8_t kGsoTcpV4 = 1;      // VIRTIO_NET_HDR_GSO_TCPV4
  static constexpr uint8_t kGsoTcpV6 = 4;      // VIRTIO_NET_HDR_GSO_TCPV6
  static constexpr uint8_t kGsoEcn = 0x80;     // VIRTIO_NET_HDR_GSO_ECN
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
};
static_assert(sizeof(VnetHdr) == 10);

inline constexpr size_t kVnetHdrSize = sizeof(VnetHdr);
// The largest read: a 64 KB IP packet behind the header.
inline constexpr size_t kMaxTunRead = kVnetHdrSize + 65535;

class TunSegmenter {
 public:
  // Takes `read` (header + packet, which must stay valid while segments are
  // taken). False if the header or packet is malformed: nothing to take.
  bool Start(const uint8_t* read, size_t length);
  // Segments not yet taken.
  size_t remaining() const { return count_ - next_; }
  // Writes the next segment at out.data() (out is Reset by the caller) and
  // sets out.length. False (and the rest dropped) if it does not fit.
  bool Next(PacketBuffer& out);

 private:
  bool StartGso(bool v6);

  const uint8_t* packet_ = nullptr;
  size_t length_ = 0;
  VnetHdr hdr_{};
  size_t header_len_ = 0;  // IP + TCP header bytes (GSO)
  size_t l4_ = 0;          // offset of the TCP header (GSO)
  size_t count_ = 0;
  size_t next_ = 0;
};

}  // namespace ikevpn::kernel::userspace
