#include "daemon/kernel/userspace/tun_coalesce.h"

#include <errno.h>
#include <unistd.h>

#include <cstring>

#include "daemon/base/bytes.h"
#include "daemon/kernel/userspace/inet_checksum.h"
#include "daemon/kernel/userspace/tun_segment.h"

namespace ikevpn::kernel::userspace {

namespace {

constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kTcpAck = 0x10;
constexpr uint8_t kTcpPsh = 0x08;
constexpr size_t kMaxSuper = 65535;

// Offset of the TCP header if `p` is a TCP segment that may be joined
// (IPv4 without options or fragments, IPv6 without extension headers),
// else 0.
size_t JoinableTcp(const uint8_t* p, size_t len) {
  size_t l4;
  if ((p[0] >> 4) == 4) {
    if (p[0] != 0x45 || p[9] != kProtoTcp || (LoadBe16(p + 6) & 0x3fff) != 0) return 0;
    l4 = 20;
  } else {
    if (len < 40 || p[6] != kProtoTcp) return 0;
    l4 = 40;
  }
  if (len < l4 + 20) return 0;
  size_t doff = static_cast<size_t>(p[l4 + 12] >> 4) * 4;
  if (doff < 20 || l4 + doff > len) return 0;
  uint8_t flags = p[l4 + 13];
  if ((flags & ~kTcpPsh) != kTcpAck) return 0;
  return l4;
}

bool Write(int fd, const iovec* iov, int count) {
  for (;;) {
    if (writev(fd, iov, count) >= 0) return true;
    if (errno != EINTR) return false;
  }
}

}  // namespace

bool TunWriter::Joins(const uint8_t* p, size_t len) const {
  if (closed_ || header_len_ == 0 || segments_ >= kMaxSegments) return false;
  if (JoinableTcp(p, len) != l4_) return false;
  size_t header_len = l4_ + static_cast<size_t>(p[l4_ + 12] >> 4) * 4;
  size_t payload = len - header_len;
  if (header_len != header_len_ || payload == 0 || payload > mss_) return false;
  if (total_ + payload > kMaxSuper) return false;
  const uint8_t* f = first_;
  if (l4_ == 20) {
    // Version/IHL, TOS, TTL, protocol, addresses; DF.
    if (p[1] != f[1] || p[8] != f[8] || memcmp(p + 12, f + 12, 8) != 0 ||
        (p[6] & 0x40) != (f[6] & 0x40)) {
      return false;
    }
  } else if (memcmp(p, f, 4) != 0 || p[7] != f[7] || memcmp(p + 8, f + 8, 32) != 0) {
    return false;  // traffic class, flow label, hop limit, addresses
  }
  const uint8_t* t = p + l4_;
  const uint8_t* ft = f + l4_;
  // Ports, ACK number, window and options equal; sequence contiguous.
  return memcmp(t, ft, 4) == 0 && LoadBe32(t + 4) == next_seq_ && memcmp(t + 8, ft + 8, 4) == 0 &&
         memcmp(t + 14, ft + 14, 2) == 0 && memcmp(t + 20, ft + 20, header_len - l4_ - 20) == 0;
}

void TunWriter::StartRun(int fd, bool vnet_hdr, const PacketBuffer& pkt) {
  fd_ = fd;
  vnet_hdr_ = vnet_hdr;
  first_ = pkt.data();
  total_ = pkt.length;
  segments_ = 1;
  header_len_ = 0;
  closed_ = true;
  iov_[1] = {first_, pkt.length};
  if (!vnet_hdr) return;
  l4_ = JoinableTcp(first_, pkt.length);
  if (l4_ == 0) return;
  header_len_ = l4_ + static_cast<size_t>(first_[l4_ + 12] >> 4) * 4;
  mss_ = pkt.length - header_len_;
  if (mss_ == 0) {
    header_len_ = 0;  // a pure ACK stays alone
    return;
  }
  psh_ = (first_[l4_ + 13] & kTcpPsh) != 0;
  closed_ = psh_;
  next_seq_ = static_cast<uint32_t>(LoadBe32(first_ + l4_ + 4) + mss_);
}

size_t TunWriter::Add(int fd, bool vnet_hdr, const PacketBuffer& pkt) {
  if (fd_ == fd && Joins(pkt.data(), pkt.length)) {
    size_t payload = pkt.length - header_len_;
    iov_[1 + segments_++] = {pkt.data() + header_len_, payload};
    total_ += payload;
    next_seq_ += static_cast<uint32_t>(payload);
    psh_ = (pkt.data()[l4_ + 13] & kTcpPsh) != 0;
    closed_ = psh_ || payload < mss_;
    return 0;
  }
  size_t dropped = Flush();
  StartRun(fd, vnet_hdr, pkt);
  return dropped;
}

size_t TunWriter::Flush() {
  if (fd_ < 0) return 0;
  int fd = fd_;
  fd_ = -1;
  size_t segments = segments_;
  if (!vnet_hdr_) return Write(fd, &iov_[1], 1) ? 0 : 1;
  VnetHdr hdr{};
  if (segments > 1) {
    bool v6 = (first_[0] >> 4) == 6;
    if (v6) {
      StoreBe16(first_ + 4, static_cast<uint16_t>(total_ - 40));
    } else {
      StoreBe16(first_ + 2, static_cast<uint16_t>(total_));
      FixIpv4HeaderChecksum(first_);
    }
    uint8_t* tcp = first_ + l4_;
    if (psh_) tcp[13] |= kTcpPsh;
    uint32_t l4_len = static_cast<uint32_t>(total_ - l4_);
    StorePartialChecksum(tcp + 16, PseudoHeaderSum(first_, kProtoTcp, l4_len));
    hdr.flags = VnetHdr::kNeedsCsum;
    hdr.gso_type = v6 ? VnetHdr::kGsoTcpV6 : VnetHdr::kGsoTcpV4;
    hdr.hdr_len = static_cast<uint16_t>(header_len_);
    hdr.gso_size = static_cast<uint16_t>(mss_);
    hdr.csum_start = static_cast<uint16_t>(l4_);
    hdr.csum_offset = 16;
    ++coalesced_writes_;
  }
  iov_[0] = {&hdr, kVnetHdrSize};
  return Write(fd, iov_.data(), static_cast<int>(segments + 1)) ? 0 : segments;
}

}  // namespace ikevpn::kernel::userspace
