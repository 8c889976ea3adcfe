// KernelIpsec: the one interface through which the IKE engine installs
// CHILD_SAs and policies. Implemented by the xfrm backend (netlink) and the
// userspace backend (ESP in the daemon over TUN). Calls take an id struct
// plus a data struct, the way strongSwan's kernel interface does.
//
// All methods run on the daemon's event loop thread. Events (expire,
// acquire, NAT mapping) are delivered to the KernelListener on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/base/bytes.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/ike/constants.h"

namespace ikevpn::kernel {

enum class IpsecMode : uint8_t { kTunnel, kTransport };

// Identifies one SA (one direction) in the kernel: (dst, spi, proto) plus the
// interface id and mark, as xfrm keys it.
struct SaId {
  IpAddress src;
  IpAddress dst;
  uint32_t spi = 0;  // host byte order
  ike::ProtocolId proto = ike::ProtocolId::kEsp;
  uint32_t if_id = 0;
  uint32_t mark = 0;
  uint32_t mark_mask = 0;

  std::string ToString() const;  // "ESP 0x1234abcd 192.0.2.1->192.0.2.2 if_id 7"
};

struct Lifetime {
  uint64_t bytes = 0;    // 0: no limit
  uint64_t packets = 0;  // 0: no limit
  uint64_t seconds = 0;  // since add; 0: no limit
};

// RFC 3948 UDP encapsulation of ESP.
struct UdpEncap {
  uint16_t src_port = ike::kNatTPort;
  uint16_t dst_port = ike::kNatTPort;
};

struct SaData {
  IpsecMode mode = IpsecMode::kTunnel;
  bool inbound = false;
  uint32_t reqid = 0;  // ties the SA to its policies and CHILD_SA
  ike::EncrId encr = ike::EncrId::kAesGcm16;
  uint16_t encr_key_bits = 256;  // without the AEAD salt
  // Encryption key; for AEAD the 4-byte salt follows the key (RFC 4106/7634).
  SecretBytes encr_key;
  ike::IntegId integ = ike::IntegId::kNone;
  SecretBytes integ_key;
  bool esn = false;
  uint32_t replay_window = 1024;  // packets
  std::optional<UdpEncap> encap;
  Lifetime soft;
  Lifetime hard;
  // Negotiated selectors; the userspace backend checks inbound inner packets
  // against them, xfrm puts them in the SA selector where one prefix fits.
  TrafficSelectors local_ts;
  TrafficSelectors remote_ts;
  // One SA pair carries IPv4 and IPv6 inner traffic (XFRM_STATE_AF_UNSPEC).
  bool dual_family = true;
  // Initial outbound sequence number (normally 0).
  uint64_t initial_seq = 0;
};

struct SaStats {
  uint64_t bytes = 0;
  uint64_t packets = 0;
  // Seconds since the epoch of the last packet; 0 = never used.
  int64_t last_use = 0;
  uint64_t replay_drops = 0;
  uint64_t auth_failures = 0;
};

enum class PolicyDir : uint8_t { kIn, kOut, kFwd };

struct PolicyId {
  TrafficSelector src;
  TrafficSelector dst;
  PolicyDir dir = PolicyDir::kOut;
  uint32_t if_id = 0;
  uint32_t mark = 0;
  uint32_t mark_mask = 0;
};

enum class PolicyAction : uint8_t { kIpsec, kBypass, kBlock };

struct PolicyData {
  PolicyAction action = PolicyAction::kIpsec;
  uint32_t priority = 0;  // lower is preferred, as in xfrm
  uint32_t reqid = 0;
  IpsecMode mode = IpsecMode::kTunnel;
  // Tunnel endpoints for the template (outer addresses).
  IpAddress tmpl_src;
  IpAddress tmpl_dst;
};

enum class ExpireKind : uint8_t { kSoft, kHard };

// Events a backend reports. Runs on the daemon's loop.
class KernelListener {
 public:
  virtual ~KernelListener() = default;
  virtual void OnExpire(const SaId& sa, uint32_t reqid, ExpireKind kind) = 0;
  // Traffic hit a trap policy: start the CHILD_SA with this reqid.
  virtual void OnAcquire(uint32_t reqid, const TrafficSelector& src, const TrafficSelector& dst) = 0;
  // The peer's NAT mapping changed (new outer address/port of ESP-in-UDP).
  virtual void OnMapping(const SaId& sa, const Endpoint& new_remote) = 0;
};

// A datagram that arrived on a NAT-T socket and is not ESP: the IKE message
// after the non-ESP marker has been removed.
using IkeDatagramHandler =
    std::function<void(ByteSpan message, const Endpoint& from, const Endpoint& to)>;

class KernelIpsec {
 public:
  virtual ~KernelIpsec() = default;

  virtual std::string_view name() const = 0;  // "xfrm" or "userspace"

  virtual void SetListener(KernelListener* listener) = 0;

  // A fresh inbound SPI for an SA from src to dst (XFRM_MSG_ALLOCSPI). The
  // larval state is replaced by AddSa, or dropped if never completed.
  virtual Result<uint32_t> AllocateSpi(const IpAddress& src, const IpAddress& dst,
                                       ike::ProtocolId proto) = 0;

  virtual Status AddSa(const SaId& id, const SaData& data) = 0;
  // Moves an SA to new outer addresses/encapsulation (MOBIKE, NAT mapping
  // change) without rekeying. `id` names the SA as it is now.
  virtual Status UpdateSa(const SaId& id, const IpAddress& new_src, const IpAddress& new_dst,
                          const std::optional<UdpEncap>& encap) = 0;
  virtual Status DeleteSa(const SaId& id) = 0;
  virtual Result<SaStats> QuerySa(const SaId& id) = 0;

  virtual Status AddPolicy(const PolicyId& id, const PolicyData& data) = 0;
  virtual Status DeletePolicy(const PolicyId& id) = 0;

  // Called once for each IKE socket. Sockets on the NAT-T port carry
  // ESP-in-UDP: xfrm sets UDP_ENCAP_ESPINUDP on them; the userspace backend
  // receives on them itself and hands every non-ESP datagram to
  // `ike_rx` on the daemon's loop. Sockets on port 500 get IKE bypass
  // policies where the backend needs them.
  virtual Status AttachIkeSocket(int fd, uint16_t port, IkeDatagramHandler ike_rx) = 0;
  // True if the backend reads the NAT-T sockets given to AttachIkeSocket
  // itself (the daemon must then not read them); false if the daemon keeps
  // reading every IKE socket.
  virtual bool ReadsEncapSockets() const { return false; }
  // True if traffic matching an out policy without an SA raises
  // KernelListener::OnAcquire (xfrm); the engine installs trap policies
  // only then.
  virtual bool SendsAcquires() const { return false; }

  // Removes everything this backend installed (shutdown), or everything a
  // crashed earlier run left behind (start). Idempotent.
  virtual Status FlushOwned() = 0;
};

}  // namespace ikevpn::kernel
