#include "daemon/kernel/userspace/tun_segment.h"

#include <cstring>

#include "daemon/base/bytes.h"
#include "daemon/kernel/userspace/inet_checksum.h"

namespace ikevpn::kernel::userspace {

namespace {

constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpCwr = 0x80;
constexpr uint8_t kProtoTcp = 6;

}  // namespace

bool TunSegmenter::Start(const uint8_t* read, size_t length) {
  count_ = next_ = 0;
  if (length < kVnetHdrSize + 20) return false;
  memcpy(&hdr_, read, kVnetHdrSize);
  packet_ = read + kVnetHdrSize;
  length_ = length - kVnetHdrSize;
  uint8_t version = packet_[0] >> 4;
  if (version != 4 && version != 6) return false;
  switch (hdr_.gso_type & ~VnetHdr::kGsoEcn) {
    case VnetHdr::kGsoNone:
      if ((hdr_.flags & VnetHdr::kNeedsCsum) &&
          size_t{hdr_.csum_start} + hdr_.csum_offset + 2 > length_) {
        return false;
      }
      count_ = 1;
      return true;
    case VnetHdr::kGsoTcpV4:
      return version == 4 && StartGso(false);
    case VnetHdr::kGsoTcpV6:
      return version == 6 && StartGso(true);
    default:
      return false;  // UDP GSO is not enabled with TUNSETOFFLOAD
  }
}

bool TunSegmenter::StartGso(bool v6) {
  if (!(hdr_.flags & VnetHdr::kNeedsCsum) || hdr_.gso_size == 0) return false;
  l4_ = hdr_.csum_start;
  size_t min_ip = v6 ? 40 : static_cast<size_t>(packet_[0] & 0x0f) * 4;
  if (l4_ < min_ip || l4_ < 20 || l4_ + 20 > length_) return false;
  if (!v6 && packet_[9] != kProtoTcp) return false;
  header_len_ = l4_ + static_cast<size_t>(packet_[l4_ + 12] >> 4) * 4;
  if (header_len_ < l4_ + 20 || header_len_ > length_) return false;
  size_t payload = length_ - header_len_;
  count_ = payload == 0 ? 1 : (payload + hdr_.gso_size - 1) / hdr_.gso_size;
  return true;
}

bool TunSegmenter::Next(PacketBuffer& out) {
  if (next_ >= count_) return false;
  size_t i = next_++;
  uint8_t* dst = out.data();
  if ((hdr_.gso_type & ~VnetHdr::kGsoEcn) == VnetHdr::kGsoNone) {
    if (length_ > out.max_payload()) return false;
    memcpy(dst, packet_, length_);
    out.length = length_;
    if (hdr_.flags & VnetHdr::kNeedsCsum) {
      // The field holds the pseudo-header sum; add the rest and finish.
      uint8_t* field = dst + hdr_.csum_start + hdr_.csum_offset;
      StoreChecksum(field, ChecksumAdd(dst + hdr_.csum_start, length_ - hdr_.csum_start, 0));
    }
    return true;
  }
  size_t mss = hdr_.gso_size;
  size_t offset = header_len_ + i * mss;
  size_t chunk = length_ > offset ? length_ - offset : 0;
  if (chunk > mss) chunk = mss;
  size_t total = header_len_ + chunk;
  if (total > out.max_payload()) {
    next_ = count_;
    return false;
  }
  memcpy(dst, packet_, header_len_);
  memcpy(dst + header_len_, packet_ + offset, chunk);
  out.length = total;

  bool v6 = (dst[0] >> 4) == 6;
  if (v6) {
    StoreBe16(dst + 4, static_cast<uint16_t>(total - 40));
  } else {
    StoreBe16(dst + 2, static_cast<uint16_t>(total));
    StoreBe16(dst + 4, static_cast<uint16_t>(LoadBe16(packet_ + 4) + i));
    FixIpv4HeaderChecksum(dst);
  }
  uint8_t* tcp = dst + l4_;
  StoreBe32(tcp + 4, static_cast<uint32_t>(LoadBe32(packet_ + l4_ + 4) + i * mss));
  if (i + 1 < count_) tcp[13] &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));
  if (i > 0) tcp[13] &= static_cast<uint8_t>(~kTcpCwr);
  tcp[16] = tcp[17] = 0;
  size_t l4_len = total - l4_;
  StoreChecksum(tcp + 16, ChecksumAdd(tcp, l4_len, PseudoHeaderSum(dst, kProtoTcp,
                                                                    static_cast<uint32_t>(l4_len))));
  return true;
}

}  // namespace ikevpn::kernel::userspace
