// EngineEnv: everything the IKE engine touches outside itself, as narrow
// interfaces (DESIGN.md: daemon/ike knows nothing of netlink or D-Bus).
// Production wiring is in daemon/daemon.cc; exchange tests wire two engines
// to each other in one process with a FakeClock and a recording kernel.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/api/control.h"
#include "daemon/base/clock.h"
#include "daemon/base/rng.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/timers.h"
#include "daemon/config/connection.h"
#include "daemon/ike/crypto/cert_validator.h"
#include "daemon/ike/crypto/certificate.h"
#include "daemon/ike/crypto/public_key.h"
#include "daemon/ike/peer_sighting.h"
#include "daemon/ifmgr/interface_manager.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/net/ike_socket.h"

namespace ikevpn::ike {

// Where pre-shared keys come from (the config's inline psk or the secrets
// file), looked up by the two identities.
class SecretStore {
 public:
  virtual ~SecretStore() = default;
  // The PSK for `conn` between `local` and `remote` (null: not known).
  virtual std::optional<SecretBytes> FindPsk(const config::Connection& conn, const config::Identity* local,
                                             const config::Identity* remote) const = 0;
};

// What public-key authentication needs for one connection (RFC 7296 §2.15,
// §3.6, §3.7), loaded from its cert, key and ca files.
struct ConnectionCredentials {
  // Ours: the end-entity certificate first, then intermediates (sent as
  // CERT payloads in this order). Empty if the connection has no cert.
  std::vector<crypto::Certificate> chain;
  std::shared_ptr<const crypto::PrivateKey> key;  // null: no key
  // Checks the peer's certificate against the connection's ca (null: none).
  std::shared_ptr<const crypto::CertValidator> validator;
};

// Where certificates, keys and CAs come from. Loaded when the config is
// (re)loaded, never while an exchange runs.
class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  // The credentials of `conn` (null: nothing loaded for it). Valid until
  // the next config load.
  virtual const ConnectionCredentials* Find(const config::Connection& conn) const = 0;
};

// Retransmission and DoS limits (RFC 7296 §2.1, §2.4, §2.6).
struct EngineSettings {
  std::chrono::milliseconds retransmit_timeout{1000};  // first retransmit after this
  double retransmit_base = 1.8;                        // exponential back-off factor
  double retransmit_jitter = 0.2;                      // +-20 % of each interval, randomised
  int retransmit_tries = 5;                            // retransmits before giving up
  std::chrono::milliseconds retransmit_limit{30000};   // cap on one interval
  uint32_t half_open_limit = 5000;                     // drop new IKE_SA_INIT above this
  uint32_t cookie_threshold = 50;                      // demand COOKIE above this many half-open
  uint32_t half_open_per_peer = 50;                    // per source address
  std::chrono::seconds half_open_timeout{30};          // half-open SAs die after this
  uint16_t port = kIkePort;
  uint16_t nat_port = kNatTPort;
  size_t fragment_size = 1280;  // RFC 7383: max IKE datagram before fragmenting (v4 default)
  // Every CHILD_SA is UDP-encapsulated (the userspace ESP backend needs
  // that): NAT detection reports a NAT with a fake source hash (§2.23).
  bool force_encap = false;
  // RFC 8247 §3.2: AUTH method 1 (RSA PKCS#1 v1.5 with SHA-1) only with
  // peers that predate RFC 7427; off, such peers need ECDSA (9/10/11).
  bool rsa_sha1_auth = false;
};

using EventSink = std::function<void(const api::Event&)>;
// Address inertia: told where authenticated peers are (null: not wanted).
using PeerSink = std::function<void(const PeerSighting&)>;

struct EngineEnv {
  const Clock& clock;
  Timers& timers;
  Rng& rng;
  kernel::KernelIpsec& kernel;
  ifmgr::InterfaceManager& interfaces;
  net::PacketSender& sender;
  const SecretStore& secrets;
  const CredentialStore& credentials;
  EventSink events;
  EngineSettings settings;
  PeerSink peer_seen = nullptr;
};

}  // namespace ikevpn::ike
