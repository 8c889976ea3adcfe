#include "daemon/kernel/xfrm/xfrm_types.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <cstring>
#include <string>

namespace ikevpn::kernel::xfrm {

namespace {

// Port range → (port, mask) in host order; false if no single mask fits.
bool ToPortMask(uint16_t lo, uint16_t hi, uint16_t* port, uint16_t* mask) {
  if (lo == 0 && hi == 65535) {
    *port = *mask = 0;
    return true;
  }
  uint32_t size = uint32_t{hi} - lo + 1;
  if (lo > hi || (size & (size - 1)) != 0 || (lo & (size - 1)) != 0) return false;
  *port = lo;
  *mask = static_cast<uint16_t>(~(size - 1));
  return true;
}

void FromPortMask(uint16_t port, uint16_t mask, uint16_t* lo, uint16_t* hi) {
  *lo = port & mask;
  *hi = static_cast<uint16_t>(*lo | static_cast<uint16_t>(~mask));
}

}  // namespace

xfrm_address_t ToXfrmAddress(const IpAddress& a) {
  xfrm_address_t x{};
  std::memcpy(&x, a.bytes().data(), a.size());
  return x;
}

std::optional<IpAddress> FromXfrmAddress(const xfrm_address_t& a, uint16_t family) {
  const auto* p = reinterpret_cast<const uint8_t*>(&a);
  if (family == AF_INET) return IpAddress::FromBytes({p, 4});
  if (family == AF_INET6) return IpAddress::FromBytes({p, 16});
  return std::nullopt;
}

uint8_t ToIpProto(ike::ProtocolId proto) {
  switch (proto) {
    case ike::ProtocolId::kEsp: return IPPROTO_ESP;
    case ike::ProtocolId::kAh: return IPPROTO_AH;
    case ike::ProtocolId::kNone:
    case ike::ProtocolId::kIke: return 0;
  }
  return 0;
}

ike::ProtocolId FromIpProto(uint8_t proto) {
  if (proto == IPPROTO_ESP) return ike::ProtocolId::kEsp;
  if (proto == IPPROTO_AH) return ike::ProtocolId::kAh;
  return ike::ProtocolId::kNone;
}

TrafficSelector Normalized(const TrafficSelector& ts) {
  TrafficSelector n = ts;
  n.start = IpAddress::FromBytes(ts.start.bytes()).value_or(IpAddress());
  n.end = IpAddress::FromBytes(ts.end.bytes()).value_or(IpAddress());
  return n;
}

Result<xfrm_selector> ToSelector(const TrafficSelector& src_in, const TrafficSelector& dst_in) {
  const TrafficSelector src = Normalized(src_in), dst = Normalized(dst_in);
  if (src.family() != dst.family() || src.family() == IpAddress::Family::kNone) {
    return Status(Code::kInvalidArgument,
                  "selector " + src.ToString() + " -> " + dst.ToString() + " mixes families");
  }
  if (!src.IsPrefix() || !dst.IsPrefix()) {
    return Status(Code::kUnsupported, "xfrm selectors are prefixes; split " + src.ToString() +
                                          " -> " + dst.ToString() + " into prefixes");
  }
  xfrm_selector sel{};
  Prefix sp = src.CoveringPrefix(), dp = dst.CoveringPrefix();
  sel.family = static_cast<uint16_t>(src.start.af());
  sel.saddr = ToXfrmAddress(sp.address);
  sel.daddr = ToXfrmAddress(dp.address);
  sel.prefixlen_s = sp.length;
  sel.prefixlen_d = dp.length;
  // Ports only mean something for one protocol; the kernel ignores them otherwise.
  uint8_t proto = src.ip_protocol != 0 ? src.ip_protocol : dst.ip_protocol;
  if (src.ip_protocol != 0 && dst.ip_protocol != 0 && src.ip_protocol != dst.ip_protocol) {
    return Status(Code::kInvalidArgument, "selector protocols differ");
  }
  sel.proto = proto;
  uint16_t sport, smask, dport, dmask;
  if (!ToPortMask(src.start_port, src.end_port, &sport, &smask) ||
      !ToPortMask(dst.start_port, dst.end_port, &dport, &dmask)) {
    return Status(Code::kUnsupported, "port range of " + src.ToString() + " -> " +
                                          dst.ToString() + " is not a port/mask");
  }
  sel.sport = htons(sport);
  sel.sport_mask = htons(smask);
  sel.dport = htons(dport);
  sel.dport_mask = htons(dmask);
  return sel;
}

std::optional<std::pair<TrafficSelector, TrafficSelector>> FromSelector(const xfrm_selector& sel) {
  auto s = FromXfrmAddress(sel.saddr, sel.family);
  auto d = FromXfrmAddress(sel.daddr, sel.family);
  unsigned max_len = sel.family == AF_INET ? 32 : 128;
  if (!s || !d || sel.prefixlen_s > max_len || sel.prefixlen_d > max_len) return std::nullopt;
  TrafficSelector src = TrafficSelector::FromPrefix({*s, sel.prefixlen_s}, sel.proto);
  TrafficSelector dst = TrafficSelector::FromPrefix({*d, sel.prefixlen_d}, sel.proto);
  FromPortMask(ntohs(sel.sport), ntohs(sel.sport_mask), &src.start_port, &src.end_port);
  FromPortMask(ntohs(sel.dport), ntohs(sel.dport_mask), &dst.start_port, &dst.end_port);
  return std::make_pair(src, dst);
}

xfrm_lifetime_cfg ToLifetimeCfg(const Lifetime& soft, const Lifetime& hard) {
  auto limit = [](uint64_t v) { return v == 0 ? XFRM_INF : v; };
  xfrm_lifetime_cfg c{};
  c.soft_byte_limit = limit(soft.bytes);
  c.hard_byte_limit = limit(hard.bytes);
  c.soft_packet_limit = limit(soft.packets);
  c.hard_packet_limit = limit(hard.packets);
  c.soft_add_expires_seconds = soft.seconds;
  c.hard_add_expires_seconds = hard.seconds;
  return c;
}

xfrm_lifetime_cfg UnlimitedLifetimeCfg() { return ToLifetimeCfg({}, {}); }

xfrm_encap_tmpl ToEncapTmpl(const UdpEncap& encap) {
  xfrm_encap_tmpl e{};
  e.encap_type = UDP_ENCAP_ESPINUDP;
  e.encap_sport = htons(encap.src_port);
  e.encap_dport = htons(encap.dst_port);
  return e;
}

}  // namespace ikevpn::kernel::xfrm
