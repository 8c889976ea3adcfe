// The inner IP packet of tunnel mode: the header fields that traffic
// selectors look at (RFC 4301 §4.4.1.1, RFC 7296 §3.13.1), read with bounds
// checks, and the selector match that inbound packets must pass.
#pragma once

#include <cstdint>

#include "daemon/base/bytes.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/kernel/userspace/esp_packet.h"

namespace ikevpn::kernel::userspace {

struct InnerPacket {
  IpAddress src;
  IpAddress dst;
  uint8_t protocol = 0;  // upper-layer protocol after IPv6 extension headers
  // TCP/UDP/SCTP/UDP-Lite ports, or ICMP type << 8 | code in both fields.
  // has_ports is false for non-first fragments and protocols without ports.
  bool has_ports = false;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  size_t length = 0;  // from the IP header (total length / 40 + payload length)
};

// Parses the IPv4/IPv6 header of `data`. `next_header`, if not 0, must match
// the IP version (kBadNextHeader otherwise). The length in the header must
// fit in `data` (kBadInner otherwise); bytes behind it are TFC padding.
EspError ParseInnerPacket(ByteSpan data, uint8_t next_header, InnerPacket* out);

// True if (address, protocol, port) lies in one of `selectors`. An empty list
// matches everything (an SA installed without selectors).
bool SelectorsMatch(const TrafficSelectors& selectors, const IpAddress& address, uint8_t protocol,
                    bool has_port, uint16_t port);

// Inbound check: source in the SA's remote selectors, destination in its
// local ones.
inline bool InboundAllowed(const InnerPacket& p, const TrafficSelectors& local_ts,
                           const TrafficSelectors& remote_ts) {
  return SelectorsMatch(remote_ts, p.src, p.protocol, p.has_ports, p.src_port) &&
         SelectorsMatch(local_ts, p.dst, p.protocol, p.has_ports, p.dst_port);
}
// Outbound check: source in the local selectors, destination in the remote.
inline bool OutboundAllowed(const InnerPacket& p, const TrafficSelectors& local_ts,
                            const TrafficSelectors& remote_ts) {
  return SelectorsMatch(local_ts, p.src, p.protocol, p.has_ports, p.src_port) &&
         SelectorsMatch(remote_ts, p.dst, p.protocol, p.has_ports, p.dst_port);
}

}  // namespace ikevpn::kernel::userspace
