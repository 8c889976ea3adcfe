#include "daemon/base/traffic_selector.h"


#include <algorithm>
#include <charconv>

namespace ikevpn {

TrafficSelector TrafficSelector::FromPrefix(const Prefix& p, uint8_t proto, uint16_t port_lo,
                                            uint16_t port_hi) {
  return {p.First(), p.Last(), proto, port_lo, port_hi};
}

TrafficSelector TrafficSelector::All(IpAddress::Family f) {
  return {IpAddress::Any(f), IpAddress::Max(f), 0, 0, 65535};
}

static bool ParseU16(std::string_view s, uint16_t* out) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > 65535) return false;
  *out = static_cast<uint16_t>(v);
  return true;
}

static std::optional<uint8_t> ParseProto(std::string_view s) {
  if (s == "any" || s.empty()) return 0;
  if (s == "icmp") return 1;
  if (s == "tcp") return 6;
  if (s == "udp") return 17;
  if (s == "icmp6" || s == "ipv6-icmp") return 58;
  if (s == "sctp") return 132;
  uint16_t v;
  if (ParseU16(s, &v) && v <= 255) return static_cast<uint8_t>(v);
  return std::nullopt;
}

std::optional<TrafficSelector> TrafficSelector::Parse(std::string_view text) {
  std::string_view addr = text;
  uint8_t proto = 0;
  uint16_t lo = 0, hi = 65535;
  size_t br = text.find('[');
  if (br != std::string_view::npos) {
    if (text.back() != ']') return std::nullopt;
    addr = text.substr(0, br);
    std::string_view sel = text.substr(br + 1, text.size() - br - 2);
    size_t slash = sel.find('/');
    auto p = ParseProto(sel.substr(0, slash));
    if (!p) return std::nullopt;
    proto = *p;
    if (slash != std::string_view::npos) {
      std::string_view ports = sel.substr(slash + 1);
      size_t dash = ports.find('-');
      if (!ParseU16(ports.substr(0, dash), &lo)) return std::nullopt;
      hi = lo;
      if (dash != std::string_view::npos && !ParseU16(ports.substr(dash + 1), &hi)) return std::nullopt;
      if (lo > hi) return std::nullopt;
    }
  }
  size_t dash = addr.find('-');
  if (dash != std::string_view::npos) {
    auto a = IpAddress::Parse(addr.substr(0, dash));
    auto b = IpAddress::Parse(addr.substr(dash + 1));
    if (!a || !b || a->family() != b->family() || *b < *a) return std::nullopt;
    return TrafficSelector{*a, *b, proto, lo, hi};
  }
  auto p = Prefix::Parse(addr);
  if (!p) return std::nullopt;
  return FromPrefix(*p, proto, lo, hi);
}

bool TrafficSelector::ContainsPacket(const IpAddress& a, uint8_t proto, uint16_t port) const {
  if (!Contains(a)) return false;
  if (ip_protocol != 0 && ip_protocol != proto) return false;
  return port >= start_port && port <= end_port;
}

bool TrafficSelector::Covers(const TrafficSelector& inner) const {
  return inner.family() == family() && start <= inner.start && inner.end <= end &&
         (ip_protocol == 0 || ip_protocol == inner.ip_protocol) &&
         start_port <= inner.start_port && inner.end_port <= end_port;
}

std::optional<TrafficSelector> TrafficSelector::Intersect(const TrafficSelector& o) const {
  if (o.family() != family()) return std::nullopt;
  if (ip_protocol != 0 && o.ip_protocol != 0 && ip_protocol != o.ip_protocol) return std::nullopt;
  TrafficSelector r;
  r.start = std::max(start, o.start);
  r.end = std::min(end, o.end);
  r.ip_protocol = ip_protocol ? ip_protocol : o.ip_protocol;
  r.start_port = std::max(start_port, o.start_port);
  r.end_port = std::min(end_port, o.end_port);
  if (r.end < r.start || r.end_port < r.start_port) return std::nullopt;
  return r;
}

Prefix TrafficSelector::CoveringPrefix() const {
  unsigned bits = static_cast<unsigned>(start.size() * 8);
  for (unsigned len = bits;; --len) {
    if (end.Masked(len) == start.Masked(len))
      return Prefix{start.Masked(len), static_cast<uint8_t>(len)};
    if (len == 0) break;
  }
  return Prefix{start.Masked(0), 0};
}

bool TrafficSelector::IsPrefix() const {
  Prefix p = CoveringPrefix();
  return p.First() == start && p.Last() == end;
}

static std::string ProtoName(uint8_t p) {
  switch (p) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "icmp6";
    default: return std::to_string(p);
  }
}

std::string TrafficSelector::ToString() const {
  std::string s = IsPrefix() ? CoveringPrefix().ToString() : start.ToString() + "-" + end.ToString();
  if (ip_protocol != 0 || start_port != 0 || end_port != 65535) {
    s += "[" + (ip_protocol ? ProtoName(ip_protocol) : std::string("any"));
    if (start_port != 0 || end_port != 65535) {
      s += "/" + std::to_string(start_port);
      if (end_port != start_port) s += "-" + std::to_string(end_port);
    }
    s += "]";
  }
  return s;
}

}  // namespace ikevpn
