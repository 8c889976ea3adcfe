#include "daemon/kernel/userspace/inner_packet.h"

#include <span>

namespace ikevpn::kernel::userspace {

namespace {

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoIcmpV6 = 58;
constexpr uint8_t kProtoSctp = 132;
constexpr uint8_t kProtoUdpLite = 136;
// IPv6 extension headers we step over to find the upper-layer protocol.
constexpr uint8_t kExtHopByHop = 0;
constexpr uint8_t kExtRouting = 43;
constexpr uint8_t kExtFragment = 44;
constexpr uint8_t kExtDestOpts = 60;
constexpr int kMaxExtHeaders = 8;

// Reads ports (or ICMP type/code) at `l4` if the bytes are there.
void ReadPorts(const uint8_t* l4, const uint8_t* end, InnerPacket* out) {
  switch (out->protocol) {
    case kProtoTcp:
    case kProtoUdp:
    case kProtoSctp:
    case kProtoUdpLite:
      if (end - l4 < 4) return;
      out->src_port = LoadBe16(l4);
      out->dst_port = LoadBe16(l4 + 2);
      out->has_ports = true;
      return;
    case kProtoIcmp:
    case kProtoIcmpV6:
      if (end - l4 < 2) return;
      out->src_port = out->dst_port = LoadBe16(l4);
      out->has_ports = true;
      return;
    default:
      return;
  }
}

EspError ParseV4(ByteSpan data, InnerPacket* out) {
  if (data.size() < 20) return EspError::kBadInner;
  const uint8_t* p = data.data();
  size_t ihl = size_t{p[0] & 0x0fu} * 4;
  size_t total = LoadBe16(p + 2);
  if (ihl < 20 || total < ihl || total > data.size()) return EspError::kBadInner;
  out->length = total;
  out->src = IpAddress::V4Bytes(std::span<const uint8_t, 4>(p + 12, 4));
  out->dst = IpAddress::V4Bytes(std::span<const uint8_t, 4>(p + 16, 4));
  out->protocol = p[9];
  bool first_fragment = (LoadBe16(p + 6) & 0x1fff) == 0;
  if (first_fragment) ReadPorts(p + ihl, p + total, out);
  return EspError::kOk;
}

EspError ParseV6(ByteSpan data, InnerPacket* out) {
  if (data.size() < 40) return EspError::kBadInner;
  const uint8_t* p = data.data();
  size_t total = size_t{LoadBe16(p + 4)} + 40;
  if (total > data.size()) return EspError::kBadInner;
  out->length = total;
  out->src = IpAddress::V6(std::span<const uint8_t, 16>(p + 8, 16));
  out->dst = IpAddress::V6(std::span<const uint8_t, 16>(p + 24, 16));
  const uint8_t* end = p + total;
  const uint8_t* l4 = p + 40;
  uint8_t nh = p[6];
  bool first_fragment = true;
  for (int i = 0; i < kMaxExtHeaders; ++i) {
    if (nh != kExtHopByHop && nh != kExtRouting && nh != kExtDestOpts && nh != kExtFragment) break;
    if (end - l4 < 8) return EspError::kBadInner;
    if (nh == kExtFragment) {
      first_fragment = (LoadBe16(l4 + 2) & 0xfff8) == 0;
      nh = l4[0];
      l4 += 8;
      continue;
    }
    size_t len = (size_t{l4[1]} + 1) * 8;
    if (static_cast<size_t>(end - l4) < len) return EspError::kBadInner;
    nh = l4[0];
    l4 += len;
  }
  out->protocol = nh;
  if (first_fragment) ReadPorts(l4, end, out);
  return EspError::kOk;
}

}  // namespace

EspError ParseInnerPacket(ByteSpan data, uint8_t next_header, InnerPacket* out) {
  *out = InnerPacket{};
  if (data.empty()) return EspError::kBadInner;
  uint8_t version = data[0] >> 4;
  if (version == 4) {
    if (next_header != 0 && next_header != kNextHeaderIpv4) return EspError::kBadNextHeader;
    return ParseV4(data, out);
  }
  if (version == 6) {
    if (next_header != 0 && next_header != kNextHeaderIpv6) return EspError::kBadNextHeader;
    return ParseV6(data, out);
  }
  return next_header == 0 ? EspError::kBadInner : EspError::kBadNextHeader;
}

bool SelectorsMatch(const TrafficSelectors& selectors, const IpAddress& address, uint8_t protocol,
                    bool has_port, uint16_t port) {
  if (selectors.empty()) return true;
  for (const TrafficSelector& ts : selectors) {
    if (!ts.Contains(address)) continue;
    if (ts.ip_protocol != 0 && ts.ip_protocol != protocol) continue;
    bool all_ports = ts.start_port == 0 && ts.end_port == 65535;
    if (all_ports) return true;
    // RFC 4301 §4.4.1.1: without ports (OPAQUE) only ANY matches.
    if (has_port && port >= ts.start_port && port <= ts.end_port) return true;
  }
  return false;
}

}  // namespace ikevpn::kernel::userspace
