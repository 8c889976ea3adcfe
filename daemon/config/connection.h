// The configuration model: one Connection per section of /etc/ikevpn.conf,
// as typed values. The parser (config_parser.h) builds these; the engine,
// the interface manager and the control API read them. Everything here is a
// plain value with operator==, so a reload can compare old and new
// (config_diff.h). Key names and defaults are documented in
// docs/config-keys.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/proposal.h"

namespace ikevpn::config {

using Seconds = std::chrono::seconds;
using Millis = std::chrono::milliseconds;

// How one side authenticates (the wire method is chosen by the engine:
// PSK -> SHARED_KEY, pubkey -> DIGITAL_SIGNATURE per RFC 7427).
enum class AuthMethod : uint8_t { kPsk, kPubkey };
enum class Mode : uint8_t { kTunnel, kTransport };
// none: wait for the peer; start: initiate at load; trap: initiate on the
// first packet that hits the policy (kernel acquire).
enum class StartAction : uint8_t { kNone, kStart, kTrap };
// What to do with the CHILD_SAs when the peer is found dead.
enum class DpdAction : uint8_t { kClear, kRestart, kTrap };
// RFC 7383. yes: announce support and fragment large messages if the peer
// announced it too; force: fragment large encrypted messages even if the
// peer did not announce support; no: never.
enum class Fragmentation : uint8_t { kNo, kYes, kForce };
// auto: UDP-encapsulate ESP only when a NAT is detected; force: always
// (pretend a NAT, RFC 7296 §2.23 NAT_DETECTION with a fake hash).
enum class Encap : uint8_t { kAuto, kForce };

std::string_view ToString(AuthMethod v);
std::string_view ToString(Mode v);
std::string_view ToString(StartAction v);
std::string_view ToString(DpdAction v);
std::string_view ToString(Fragmentation v);
std::string_view ToString(Encap v);

// An IKE identity (RFC 7296 §3.5). `text` is what the user wrote; `data` is
// the ID payload body. For kDerAsn1Dn written as text ("C=CH, O=Org, CN=x")
// the parser leaves `data` empty: the engine converts the text to DER
// (crypto::DnFromText) when it needs the payload.
struct Identity {
  ike::IdType type = ike::IdType::kFqdn;
  Bytes data;
  std::string text;

  // True if both name the same identity: by type and data; DNs by their DER
  // when both have it, else by text with the spaces after separators
  // removed. (The engine compares two DER DNs with crypto::SameDn, which
  // also ignores string types and case.)
  bool Matches(const Identity& other) const;
  friend bool operator==(const Identity&, const Identity&) = default;
};

// A local or remote address as written: "%any", "%any4", "%any6", an IP
// literal or a hostname (resolved later by the engine, never by the parser).
struct Host {
  enum class Kind : uint8_t { kAny, kAddress, kHostname };
  Kind kind = Kind::kAny;
  std::string text = "%any";
  // kAddress: the literal. kAny: the family restriction (%any4 -> 0.0.0.0,
  // %any6 -> ::), or none for %any.
  IpAddress address;

  bool is_any() const { return kind == Kind::kAny; }
  friend bool operator==(const Host&, const Host&) = default;
};

// Traffic selectors of one side. `dynamic` stands for the side's own
// address (its virtual IP on a road-warrior client); the engine fills it in.
struct TsSpec {
  bool dynamic = false;
  TrafficSelectors selectors;
  friend bool operator==(const TsSpec&, const TsSpec&) = default;
};

// A hard lifetime and when to rekey before it: rekey at
//   lifetime - rekey_margin - random(0, jitter).
struct Lifetime {
  Seconds lifetime{0};
  Seconds rekey_margin{0};
  Seconds jitter{0};
  friend bool operator==(const Lifetime&, const Lifetime&) = default;
};

// An inclusive address range (a pool given as "a-b" or as a CIDR prefix,
// whose first and last addresses it then holds verbatim).
struct AddressRange {
  IpAddress first;
  IpAddress last;
  std::string ToString() const;
  friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

// A PSK written inline in the config (wiped on destruction, never printed).
struct InlinePsk {
  SecretBytes value;
  friend bool operator==(const InlinePsk& a, const InlinePsk& b) {
    return a.value.Equals(b.value.span());
  }
};

struct Connection {
  std::string name;  // the section name

  // Endpoints.
  Host local;                            // local = ...      (default %any)
  Host remote;                           // remote = ...     (default %any)
  uint16_t remote_port = ike::kIkePort;  // remote-port

  // Identities; nullopt: local uses its address, remote accepts any ID
  // that authenticates.
  std::optional<Identity> local_id;
  std::optional<Identity> remote_id;

  // Authentication.
  AuthMethod auth = AuthMethod::kPsk;         // auth (required)
  AuthMethod remote_auth = AuthMethod::kPsk;  // remote-auth (default: auth)
  std::optional<InlinePsk> psk;               // psk (else the secrets file)
  std::string cert;                           // cert = path
  std::string key;                            // key = path
  std::string ca;                             // ca = path

  // Proposals, preference order; protocol is kIke / kEsp.
  ike::Proposals ike_proposals;
  ike::Proposals esp_proposals;

  // CHILD_SA shape.
  Mode mode = Mode::kTunnel;
  TsSpec local_ts;  // default: 0.0.0.0/0, ::/0 (tunnel) or dynamic (transport)
  TsSpec remote_ts;

  // Interface (route-based VPN). Empty interface: one is taken from the
  // global interface pool at runtime and if_id is nullopt until then.
  // Otherwise if_id is set, within kOwnedIfIds (daemon/base/if_id.h): given
  // by if-id, or derived from the trailing number of the name
  // (ipsecN -> 0x10000 + N).
  std::string interface;
  std::optional<uint32_t> if_id;
  std::vector<Prefix> interface_addresses;  // interface-address
  uint32_t metric = 0;                      // route metric, 0: kernel default
  bool leak_guard = false;

  StartAction start_action = StartAction::kNone;
  Seconds dpd_delay{30};  // 0: no liveness checks
  DpdAction dpd_action = DpdAction::kRestart;

  Lifetime ike_lifetime{Seconds{4 * 3600}, Seconds{10 * 60}, Seconds{5 * 60}};
  Lifetime child_lifetime{Seconds{3600}, Seconds{5 * 60}, Seconds{2 * 60}};
  bool reauth = false;                 // reauthenticate instead of rekeying IKE
  Seconds reauth_interval{24 * 3600};  // when reauth = yes

  Fragmentation fragmentation = Fragmentation::kYes;
  Encap encap = Encap::kAuto;
  Seconds keepalive{20};  // NAT-T keepalive interval, 0: off

  // Road warriors (RFC 7296 §3.15 configuration payload).
  std::vector<AddressRange> pools;  // responder: addresses to hand out
  std::vector<IpAddress> dns;       // responder: DNS servers to send
  bool virtual_ip = false;          // initiator: request an address
  // Which families it requests (virtual-ip = %any4, %any6); yes: IPv4.
  std::vector<IpAddress::Family> virtual_ip_families;
  bool inertia = false;             // responder: remember peers' addresses
  Seconds inertia_max_age{7 * 24 * 3600};
  bool mobike = true;  // RFC 4555

  friend bool operator==(const Connection&, const Connection&) = default;
};

}  // namespace ikevpn::config
