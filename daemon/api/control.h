// ControlApi: what the control frontends (D-Bus service, and through it
// ikevpnctl and the NetworkManager plugin) may see and do. Implemented by the
// daemon on top of the IKE engine; every call runs on the daemon's event
// loop. Frontends never reach into the engine directly.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"

namespace ikevpn::api {

enum class ConnectionState : uint8_t {
  kDown,        // no IKE_SA
  kConnecting,  // IKE_SA or first CHILD_SA being negotiated
  kUp,          // at least one CHILD_SA installed
  kClosing,     // Delete in progress
};
std::string_view ToString(ConnectionState s);

struct ConnectionInfo {
  std::string name;
  ConnectionState state = ConnectionState::kDown;
  std::vector<std::string> local_addrs;   // as configured ("%any", hostnames allowed)
  std::vector<std::string> remote_addrs;
  std::string local_id;
  std::string remote_id;
  std::string auth;           // "psk" or "pubkey"
  std::string interface;      // "ipsec0"
  uint32_t if_id = 0;
  std::string start_action;   // "none", "start", "trap"
  std::string ike_proposals;  // as configured
  std::string esp_proposals;
  std::vector<std::string> local_ts;
  std::vector<std::string> remote_ts;
  uint32_t ike_sas = 0;
  uint32_t child_sas = 0;
};

struct IkeSaInfo {
  uint64_t id = 0;  // unique for the daemon's lifetime
  std::string connection;
  std::string state;  // IkeSa state name
  bool initiator = false;
  Endpoint local;
  Endpoint remote;
  std::string local_id;
  std::string remote_id;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  std::string algorithms;  // "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519"
  // A NAT was detected in front of us / in front of the peer (RFC 7296
  // §2.23). Forced encapsulation is not a NAT: see udp_encap.
  bool nat_local = false;
  bool nat_remote = false;
  // ESP of its CHILD_SAs goes in UDP (RFC 3948): for a NAT, or forced by
  // either side.
  bool udp_encap = false;
  int64_t established = 0;  // wall-clock seconds; 0 = not yet
  int64_t rekey_at = 0;     // wall-clock seconds; 0 = never
  std::vector<Prefix> virtual_ips;  // assigned to us (client) or to the peer (gateway)
  std::vector<IpAddress> dns;       // received in CP (client)
};

// Traffic of one CHILD_SA, read from the kernel (inbound and outbound SA).
struct SaCounters {
  uint64_t bytes_in = 0, bytes_out = 0, packets_in = 0, packets_out = 0;
};

struct ChildSaInfo {
  uint64_t id = 0;
  uint64_t ike_sa_id = 0;
  std::string connection;
  std::string state;
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
  std::string mode;  // "tunnel" / "transport"
  std::vector<std::string> local_ts;
  std::vector<std::string> remote_ts;
  std::string algorithms;
  std::string interface;
  uint32_t if_id = 0;
  // Left 0 by ListChildSas (no kernel query); see ChildSaCounters.
  uint64_t bytes_in = 0, bytes_out = 0, packets_in = 0, packets_out = 0;
  int64_t established = 0;
  int64_t rekey_at = 0;
};

enum class EventKind : uint8_t {
  kConnectionState,  // connection state changed
  kIkeSaUp,
  kIkeSaDown,
  kIkeSaRekeyed,
  kChildSaUp,
  kChildSaDown,
  kChildSaRekeyed,
  kFailed,   // an attempt failed (reason says why)
  kReloaded,
  kConnectionAdded,    // by AddConnection
  kConnectionRemoved,  // by RemoveConnection
};
std::string_view ToString(EventKind k);

// Why an SA went down or an attempt failed, for programs: `Event::reason`
// is for people and its wording may change. Every kIkeSaDown,
// kChildSaDown and kFailed event carries one; other events kNone.
enum class DownCause : uint8_t {
  kNone,
  kPeerDeleted,    // the peer deleted it (INFORMATIONAL Delete): it left on purpose
  kDeleted,        // deleted here on request: `down`, Terminate
  kConfigChanged,  // a reload (or RemoveConnection) changed or removed its connection
  kShutdown,       // the daemon stops
  kPeerDead,       // the peer stopped answering (DPD, or any request's retransmits ran out)
  kAuthFailed,     // authentication failed, on either side
  kReplaced,       // a newer IKE_SA with the same peer identity took over (RFC 7296 §2.4)
  kRekeyed,        // its rekey replaced it and the successor carries on
  kExpired,        // its hard lifetime ran out
  kFailed,         // a negotiation failed, or a local error (`reason` says which)
};
// "peer-deleted", "deleted", ..., as on D-Bus (dbus/SPEC.md).
std::string_view ToString(DownCause c);

struct Event {
  EventKind kind = EventKind::kConnectionState;
  std::string connection;
  ConnectionState state = ConnectionState::kDown;  // for kConnectionState
  uint64_t ike_sa_id = 0;
  uint64_t child_sa_id = 0;  // for CHILD events
  uint64_t new_sa_id = 0;    // for rekeyed: the successor
  std::string reason;        // for kFailed / down: "AUTHENTICATION_FAILED", "DPD timeout", ...
  DownCause cause = DownCause::kNone;  // for kFailed / down; kAuthFailed: credentials rejected
};

class ControlApi {
 public:
  virtual ~ControlApi() = default;

  virtual std::vector<ConnectionInfo> ListConnections() const = 0;
  virtual std::vector<IkeSaInfo> ListIkeSas() const = 0;
  // Without counters: cheap, no kernel query, fine to call on every event.
  virtual std::vector<ChildSaInfo> ListChildSas() const = 0;
  // The counters of one CHILD_SA: queries the kernel (two SAs), so call it
  // only when a client asks. kNotFound if there is no such CHILD_SA.
  virtual Result<SaCounters> ChildSaCounters(uint64_t child_sa_id) const = 0;

  // Starts the connection. `done` runs once: OK when its first CHILD_SA is
  // installed, or the error (kNotFound: no such connection; kAuthFailed;
  // kUnsupported: no proposal chosen; kRetry: timeout; ...). If it is up
  // already, `done` runs at once with OK.
  virtual void Up(const std::string& name, std::function<void(Status)> done) = 0;
  // Deletes the connection's SAs (INFORMATIONAL Delete). kNotFound if unknown.
  virtual Status Down(const std::string& name) = 0;
  // Deletes one IKE_SA by id (and its CHILD_SAs).
  virtual Status Terminate(uint64_t ike_sa_id) = 0;
  // Re-reads the configuration. On error nothing changes and the error says
  // file:line: what.
  virtual Status Reload() = 0;

  // Adds a connection that is not in the configuration file, from
  // settings with the keys of a connection section, checked like the file.
  // It survives Reload until RemoveConnection. Errors: kInvalidArgument
  // (bad name or settings; the message names every problem), kExists (the
  // name is taken).
  virtual Status AddConnection(const std::string& name,
                               const std::map<std::string, std::string>& settings) = 0;
  // Removes a connection added by AddConnection; its SAs are deleted.
  // kNotFound if unknown, kInvalidArgument if it comes from the file.
  virtual Status RemoveConnection(const std::string& name) = 0;

  // Every event, in order, until the returned token is passed to Unsubscribe.
  virtual uint64_t Subscribe(std::function<void(const Event&)> fn) = 0;
  virtual void Unsubscribe(uint64_t token) = 0;
};

}  // namespace ikevpn::api
