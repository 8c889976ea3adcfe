// SaIndex: what the datapath workers look SAs up in — inbound SAs by SPI,
// outbound SAs per if_id, the TUN device per if_id and the UDP sockets.
// Workers read it under their ReaderLock slot; the SaTable changes it on the
// loop thread under the write lock.
//
// Outbound choice per if_id (route-based: the route put the packet into
// this interface; the SA is chosen by the inner addresses):
//  - SAs whose remote selector is one host (road-warrior clients, each with
//    a virtual IP) are found by a hash on the inner destination;
//  - other SAs are scanned newest first, so after a rekey the new SA wins
//    (make-before-break) and among tunnels to different subnets the one
//    whose selectors match is taken.
// Hard-expired SAs are skipped, and a new SA that the peer may not have
// installed yet waits behind an older one (SaEntry::confirmed).
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "daemon/kernel/userspace/inner_packet.h"
#include "daemon/kernel/userspace/sa_entry.h"

namespace ikevpn::kernel::userspace {

struct IpAddressHash {
  size_t operator()(const IpAddress& a) const {
    uint64_t h = 1469598103934665603ull;
    for (uint8_t b : a.bytes()) h = (h ^ b) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

// How long an unconfirmed outbound SA waits behind an older one at most.
inline constexpr int64_t kConfirmSeconds = 2;

struct OutboundSet {
  // Newest first in each list.
  std::unordered_map<IpAddress, std::vector<SaEntry*>, IpAddressHash> by_host;
  std::vector<SaEntry*> others;

  bool empty() const { return by_host.empty() && others.empty(); }
};

// A TUN device: its fd and whether reads and writes carry a virtio_net_hdr.
struct TunRef {
  int fd = -1;
  bool vnet_hdr = false;
};

struct SaIndex {
  std::unordered_map<uint32_t, SaEntry*> inbound;      // by SPI
  std::unordered_map<uint32_t, OutboundSet> outbound;  // by if_id
  std::unordered_map<uint32_t, SaEntry*> outbound_by_reqid;  // newest; reqid 0 not kept
  std::unordered_map<uint32_t, TunRef> tuns;          // by if_id
  int socket_v4 = -1;
  int socket_v6 = -1;

  SaEntry* FindInbound(uint32_t spi) const {
    auto it = inbound.find(spi);
    return it == inbound.end() ? nullptr : it->second;
  }
  // The newest confirmed usable SA (sa_entry.h), else the newest usable one.
  SaEntry* FindOutbound(uint32_t if_id, const InnerPacket& packet, int64_t now) const;
  TunRef FindTun(uint32_t if_id) const {
    auto it = tuns.find(if_id);
    return it == tuns.end() ? TunRef{} : it->second;
  }
  int SocketFor(const IpAddress& peer) const { return peer.is_v4() ? socket_v4 : socket_v6; }

  SaEntry* FindOutboundByReqid(uint32_t reqid) const {
    auto it = outbound_by_reqid.find(reqid);
    return it == outbound_by_reqid.end() ? nullptr : it->second;
  }
  void AddOutbound(SaEntry* sa);
  void RemoveOutbound(SaEntry* sa);
};

// The single host an SA's remote selectors name, if that is all they name.
bool SingleRemoteHost(const SaEntry& sa, IpAddress* host);

}  // namespace ikevpn::kernel::userspace
