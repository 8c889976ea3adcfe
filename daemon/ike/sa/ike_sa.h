// IkeSa: one IKE security association (RFC 7296 §1.2) — its identity,
// keys, peer, message-ID state and CHILD_SAs.
//
// An IkeSa holds state; the exchanges (daemon/ike/exchange/) act on it and
// the Engine moves messages. Memory per SA matters (100,000 SAs on one
// gateway): material only needed for IKE_AUTH (the IKE_SA_INIT messages,
// nonces) is released once authentication is done.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/timers.h"
#include "daemon/config/connection.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/crypto/prf.h"
#include "daemon/ike/sa/child_sa.h"
#include "daemon/ike/sa/nat_traversal.h"
#include "daemon/ike/sa/proposal_select.h"
#include "daemon/ike/sa/rekey_collision.h"
#include "daemon/ike/sa/sa_state.h"

namespace ikevpn::ike {

class Exchange;
class FragmentReassembler;

// The IKE SA's negotiated algorithms and keys (§2.14).
struct IkeSaKeys {
  ChosenAlgorithms algorithms;
  std::optional<crypto::Prf> prf;
  SecretBytes sk_d;
  SecretBytes sk_pi;
  SecretBytes sk_pr;
  std::unique_ptr<crypto::Cipher> inbound;   // protects what the peer sends
  std::unique_ptr<crypto::Cipher> outbound;  // protects what we send
};

// What is kept from IKE_SA_INIT for the AUTH payloads (§2.15) and released
// when IKE_AUTH completes.
struct AuthInputs {
  Bytes init_request;   // the IKE_SA_INIT request as sent
  Bytes init_response;  // the IKE_SA_INIT response as sent
  Bytes ni;
  Bytes nr;
};

// A short FIFO (the SA's queued exchanges, usually none): a vector that
// gives its memory back when emptied. std::deque would allocate ~576 bytes
// per SA even when empty.
template <typename T>
class SmallQueue {
 public:
  bool empty() const { return q_.empty(); }
  size_t size() const { return q_.size(); }
  T& front() { return q_.front(); }
  void push_back(T v) { q_.push_back(std::move(v)); }
  void push_front(T v) { q_.insert(q_.begin(), std::move(v)); }
  void pop_front() {
    q_.erase(q_.begin());
    if (q_.empty()) std::vector<T>().swap(q_);
  }
  void clear() { std::vector<T>().swap(q_); }
  auto begin() { return q_.begin(); }
  auto end() { return q_.end(); }

 private:
  std::vector<T> q_;
};

// Our outstanding request (window size 1, §2.3) and its retransmissions.
struct PendingRequest {
  uint32_t message_id = 0;
  std::unique_ptr<Exchange> exchange;
  std::vector<Bytes> datagrams;  // the request, or its fragments
  int retransmits = 0;
  TimerId timer = kNoTimer;
};

// The peer's last request and our answer, for retransmitted requests (§2.1).
struct CachedResponse {
  uint32_t message_id = 0;
  bool valid = false;
  std::vector<Bytes> datagrams;
};

class IkeSa {
 public:
  IkeSa(uint64_t id, std::shared_ptr<const config::Connection> conn, bool initiator);
  ~IkeSa();
  IkeSa(const IkeSa&) = delete;
  IkeSa& operator=(const IkeSa&) = delete;

  uint64_t id() const { return id_; }
  const config::Connection& connection() const { return *conn_; }
  const std::shared_ptr<const config::Connection>& connection_ptr() const { return conn_; }
  // A reload may hand an SA an updated Connection of the same name (the
  // IkeSaManager lists SAs by connection name: the name must not change).
  void set_connection(std::shared_ptr<const config::Connection> c) { conn_ = std::move(c); }
  // "name[id]", how logs name the SA.
  std::string LogName() const;
  // "name{child_id}", how logs name one of its CHILD_SAs.
  std::string ChildLogName(uint64_t child_id) const;

  // The original initiator (sets the I flag, §3.1). Swaps with an IKE rekey
  // when the peer initiated the rekey (§2.18).
  bool initiator() const { return initiator_; }
  void set_initiator(bool v) { initiator_ = v; }

  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  uint64_t my_spi() const { return initiator_ ? spi_i : spi_r; }
  uint64_t peer_spi() const { return initiator_ ? spi_r : spi_i; }

  IkeSaState state() const { return state_; }
  // The one place the state changes: checks the table, logs "old -> new".
  void SetState(IkeSaState next);

  // Where IKE runs now. The local port is ours (500 or the NAT-T port).
  Endpoint local;
  Endpoint remote;
  // Where a NAT is (natt.seen) and whether ESP is UDP-encapsulated
  // (natt.udp_encap()): two separate facts, nat_traversal.h.
  NatTraversal natt;

  // Extensions the peer announced.
  bool peer_fragmentation = false;  // RFC 7383
  bool peer_mobike = false;         // RFC 4555
  std::vector<HashAlgorithm> peer_hash_algorithms;  // RFC 7427

  std::optional<IkeSaKeys> keys;
  std::unique_ptr<AuthInputs> auth_inputs;

  // The authenticated peer identity (after IKE_AUTH).
  config::Identity peer_id;
  std::string peer_id_text;
  config::Identity local_id;

  // Virtual IPs: assigned to us (client) or leased to the peer (gateway).
  std::vector<Prefix> virtual_ips;
  std::vector<IpAddress> dns;
  // This SA put its virtual IPs on the interface (client address, gateway
  // host routes) and, on a gateway, owns their leases (config_payload.h).
  bool virtual_ips_installed = false;

  std::vector<std::unique_ptr<ChildSa>> children;
  ChildSa* FindChild(uint64_t child_id);
  ChildSa* FindChildBySpi(uint32_t spi);  // either direction
  std::unique_ptr<ChildSa> RemoveChild(uint64_t child_id);

  // Message IDs (§2.2): ours for requests we send, the peer's next expected.
  uint32_t next_request_id = 0;
  uint32_t peer_request_id = 0;
  std::optional<PendingRequest> pending;
  SmallQueue<std::unique_ptr<Exchange>> queued;
  CachedResponse cached_response;
  // RFC 7383 fragments being collected; created on the first fragment.
  std::unique_ptr<FragmentReassembler> reassembler;

  // Timers, by what they are for.
  TimerId rekey_timer = kNoTimer;
  TimerId reauth_timer = kNoTimer;
  TimerId dpd_timer = kNoTimer;
  TimerId half_open_timer = kNoTimer;
  TimerId delete_timer = kNoTimer;

  int64_t established = 0;  // wall-clock seconds
  int64_t rekey_at = 0;
  // Monotonic time of the last authenticated message from the peer (DPD).
  TimePoint last_peer_activity{};

  // Authentication failed, on either side (§2.21.2): the SA's failure is
  // reported as an authentication failure (api::DownCause::kAuthFailed).
  bool auth_failed = false;

  // Set when an IKE rekey replaced this SA: its successor's id.
  uint64_t successor = 0;
  // The peer's rekey of this IKE SA that crossed ours (§2.8.2).
  std::optional<PeerRekey> peer_rekey;
  // On the SA that crossing rekey created: the id of the SA it rekeys,
  // until our own rekey decides which successor stays.
  uint64_t rekey_of = 0;

 private:
  friend class IkeSaManager;
  // Links of the manager's list of this connection's SAs.
  IkeSa* conn_prev_ = nullptr;
  IkeSa* conn_next_ = nullptr;

  uint64_t id_;
  std::shared_ptr<const config::Connection> conn_;
  bool initiator_;
  IkeSaState state_ = IkeSaState::kCreated;
};

}  // namespace ikevpn::ike
