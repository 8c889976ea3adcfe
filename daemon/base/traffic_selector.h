// A traffic selector (RFC 7296 §3.13.1): an address range, an IP protocol
// (0 = any) and a port range. Shared by the IKE engine (negotiation and
// narrowing) and the kernel backends (policies, inbound checks).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/base/ip_address.h"

namespace ikevpn {

struct TrafficSelector {
  IpAddress start;
  IpAddress end;
  uint8_t ip_protocol = 0;  // 0: any
  uint16_t start_port = 0;
  uint16_t end_port = 65535;

  static TrafficSelector FromPrefix(const Prefix& p, uint8_t proto = 0, uint16_t port_lo = 0,
                                    uint16_t port_hi = 65535);
  // Everything of one family: 0.0.0.0/0 or ::/0.
  static TrafficSelector All(IpAddress::Family f);
  // "10.0.0.0/8", "10.0.0.0/8[udp/53]", "10.0.0.1-10.0.0.9", "dynamic" is not
  // handled here (the config layer resolves it).
  static std::optional<TrafficSelector> Parse(std::string_view text);

  IpAddress::Family family() const { return start.family(); }
  bool Contains(const IpAddress& a) const { return a.family() == family() && start <= a && a <= end; }
  bool ContainsPacket(const IpAddress& a, uint8_t proto, uint16_t port) const;
  // True if every packet matched by `inner` is matched by this.
  bool Covers(const TrafficSelector& inner) const;
  // The common part, if any (RFC 7296 §2.9 narrowing).
  std::optional<TrafficSelector> Intersect(const TrafficSelector& other) const;
  // The smallest prefix covering the address range (exact if the range is a prefix).
  Prefix CoveringPrefix() const;
  // True if the address range is exactly one prefix.
  bool IsPrefix() const;
  std::string ToString() const;

  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
};

using TrafficSelectors = std::vector<TrafficSelector>;

}  // namespace ikevpn
