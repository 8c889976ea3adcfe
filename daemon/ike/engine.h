// Engine: the IKE daemon's protocol core. It receives IKE datagrams, finds
// or creates the IKE_SA, runs exchanges (one class per kind, in
// daemon/ike/exchange/), installs CHILD_SAs through KernelIpsec and reports
// events. Single-threaded: everything runs on the caller's loop.
//
// The exchange classes use the "for exchanges" part of this interface.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/api/control.h"
#include "daemon/ike/engine_env.h"
#include "daemon/ike/message/message.h"
#include "daemon/ike/sa/ike_sa_manager.h"
#include "daemon/ike/sa/policy_refs.h"
#include "daemon/ike/trap_policies.h"

namespace ikevpn::pool {
class LeaseRegistry;
}

namespace ikevpn::ike {

class Exchange;

class Engine final : public kernel::KernelListener {
 public:
  explicit Engine(EngineEnv env);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- configuration and control ----

  // Replaces the connection set (at start and on reload): connections that
  // changed or disappeared have their SAs deleted; new ones with
  // start_action = start are initiated. Traps of changed or removed ones
  // are removed.
  void SetConnections(std::vector<std::shared_ptr<const config::Connection>> connections);
  // Arms every start_action = trap connection not armed yet
  // (trap_policies.h). Call after SetConnections once the connections'
  // interfaces exist: a route-based trap keeps its interface up.
  void ArmTraps();
  const config::Connection* FindConnection(const std::string& name) const;
  const std::map<std::string, std::shared_ptr<const config::Connection>>& connections() const {
    return connections_;
  }
  // Where gateways lease virtual IPs from (RFC 7296 §3.15); null: no pools.
  // Must outlive the engine.
  void set_leases(pool::LeaseRegistry* leases) { leases_ = leases; }
  pool::LeaseRegistry* leases() { return leases_; }

  // Starts the named connection. `done` (optional) runs once, when its first
  // CHILD_SA is installed or the attempt failed.
  void Initiate(const std::string& name, std::function<void(Status)> done = nullptr);
  // Initiates `name` to a specific remote endpoint (address inertia).
  void InitiateTo(const std::string& name, const Endpoint& remote, std::function<void(Status)> done = nullptr);
  // Address inertia (engine_inertia.cc): starts a new IKE_SA of `name` to
  // `remote`, asking for (IDr) and requiring the identity `peer`; from the
  // NAT-T port (non-ESP marker) when `nat_t` (the peer is behind a NAT) or
  // `remote` is on the NAT-T port; with TSr = `virtual_ip` when
  // given. Unlike InitiateTo it never joins the connection's other attempts
  // (a road-warrior connection has many peers). Returns the IKE_SA id, whose
  // kChildSaUp or kFailed event ends the attempt; kExists if an IKE_SA with
  // that peer is up or under way.
  Result<uint64_t> InitiatePeer(const std::string& name, const Endpoint& remote, const config::Identity& peer,
                                bool nat_t, std::optional<IpAddress> virtual_ip);
  // Deletes every IKE_SA of the connection (INFORMATIONAL Delete).
  Status Terminate(const std::string& name);
  Status TerminateSa(uint64_t ike_sa_id);
  // Deletes every IKE_SA (Delete sent once, not retransmitted) and
  // uninstalls every CHILD_SA. For shutdown.
  void DeleteAll();

  // ---- input ----

  // An IKE message (non-ESP marker already removed) that arrived on `local`.
  void OnDatagram(ByteSpan message, const Endpoint& local, const Endpoint& remote);

  // kernel::KernelListener
  void OnExpire(const kernel::SaId& sa, uint32_t reqid, kernel::ExpireKind kind) override;
  void OnAcquire(uint32_t reqid, const TrafficSelector& src, const TrafficSelector& dst) override;
  void OnMapping(const kernel::SaId& sa, const Endpoint& new_remote) override;

  // ---- status ----

  std::vector<api::IkeSaInfo> ListIkeSas() const;
  // Without traffic counters (no kernel query); those come from ChildSaCounters.
  std::vector<api::ChildSaInfo> ListChildSas();
  Result<api::SaCounters> ChildSaCounters(uint64_t child_sa_id);
  api::ConnectionState StateOf(const std::string& name) const;
  uint32_t IkeSaCount(const std::string& name) const;
  uint32_t ChildSaCount(const std::string& name) const;
  size_t ike_sa_count() const { return sas_.size(); }
  size_t half_open_count() const { return sas_.half_open(); }

  // ---- for exchanges ----

  EngineEnv& env() { return env_; }
  const EngineSettings& settings() const { return env_.settings; }
  IkeSaManager& sas() { return sas_; }
  ChildSaKernel& child_kernel() { return child_kernel_; }
  uint64_t NewChildId() { return ++last_child_id_; }
  uint32_t NewReqid() { return ++last_reqid_; }
  // The reqid of a new (not rekeyed) CHILD_SA of `c`: its trap's while one
  // is armed (the trap policy then carries the SA), else a fresh one.
  uint32_t ReqidFor(const config::Connection& c);
  const TrapPolicies& traps() const { return traps_; }

  // Queues an exchange on the SA; it starts when no other is outstanding.
  // With `front`, it runs before the queued ones (IKE_AUTH after IKE_SA_INIT).
  void Queue(IkeSa& sa, std::unique_ptr<Exchange> exchange, bool front = false);
  // The raw datagram being processed (valid during ProcessResponse and the
  // responder handlers): IKE_SA_INIT messages are signed as received.
  ByteSpan current_datagram() const { return current_datagram_; }
  // Where the message being processed arrived (our address) and came from.
  const Endpoint& current_local() const { return current_local_; }
  const Endpoint& current_remote() const { return current_remote_; }
  // The raw request datagrams of the SA's outstanding exchange.
  const std::vector<Bytes>* pending_datagrams(const IkeSa& sa) const;

  // Reports an event to the control side (and to Initiate's `done`).
  void Emit(api::Event event);
  void OnChildUp(IkeSa& sa, ChildSa& child, bool rekeyed_from_other);
  void OnIkeEstablished(IkeSa& sa);
  // Tells EngineEnv::peer_seen where `sa`'s peer is.
  void ReportPeer(const IkeSa& sa);

  // Removes the SA now: uninstalls its CHILD_SAs, cancels its timers and
  // pending exchange, reports it down with `cause` (kAuthFailed instead if
  // the SA's authentication failed) and `reason`. The IkeSa is gone when
  // this returns.
  void Destroy(IkeSa& sa, api::DownCause cause, const std::string& reason);
  // Deletes the SA with an INFORMATIONAL Delete (§1.4.1), then destroys it.
  void StartDelete(IkeSa& sa, api::DownCause cause, const std::string& reason);

  // Schedules the CHILD_SA's rekey and hard expiry timers from its lifetime.
  void ScheduleChildTimers(IkeSa& sa, ChildSa& child);
  // Arms the CHILD_SA's rekey and/or expiry timer (nullopt: leave it
  // unarmed), e.g. a rekey retry after TEMPORARY_FAILURE.
  void ArmChildTimers(IkeSa& sa, ChildSa& child, std::optional<std::chrono::seconds> rekey,
                      std::optional<std::chrono::seconds> expire);
  // Moves a CHILD_SA to `to` (IKE rekey, §2.18); its timers keep their
  // deadlines and now look it up on `to`.
  void AdoptChild(IkeSa& to, std::unique_ptr<ChildSa> child);
  // Schedules rekey/reauth and DPD timers of an established IKE_SA.
  void ScheduleIkeTimers(IkeSa& sa);

  // Sends a new request of the SA's outstanding exchange (after kResend).
  void ResendPending(IkeSa& sa);

 private:
  void StartNext(IkeSa& sa);
  Status SendRequest(IkeSa& sa);
  void OnRetransmitTimer(uint64_t sa_id, uint32_t message_id);
  void SendDatagrams(IkeSa& sa, const std::vector<Bytes>& datagrams);
  void SendDatagrams(IkeSa& sa, const std::vector<Bytes>& datagrams, const Endpoint& local, const Endpoint& remote);
  Result<std::vector<Bytes>> Encode(IkeSa& sa, const IkeHeader& header, const Payloads& payloads,
                                    bool plaintext);

  void HandleInitRequest(const IkeHeader& header, ByteSpan datagram, const Endpoint& local,
                         const Endpoint& remote);
  void HandleMessage(IkeSa& sa, const IkeHeader& header, ByteSpan datagram, const Endpoint& local,
                     const Endpoint& remote);
  void HandleRequest(IkeSa& sa, const Message& request);
  void HandleResponse(IkeSa& sa, const Message& response);
  void AnswerUnprotected(const IkeHeader& request, const Endpoint& local, const Endpoint& remote,
                         NotifyType type, Bytes data);
  void UpdatePeerAddress(IkeSa& sa, const Endpoint& local, const Endpoint& remote);

  void FinishInitiate(const std::string& name, Status status);

  // dpd-action (dead_peer.cc): the connection's established IKE_SA with
  // `peer` went because the peer stopped answering.
  void OnPeerDead(const std::string& name, const IpAddress& peer);
  void RestartAttempt(const std::string& name);
  // Stops a restart in progress or disarms a trap (connection up, changed,
  // removed or terminated).
  void CancelDpdAction(const std::string& name);
  // start-action = trap, or armed by dpd-action = trap.
  bool Trapped(const config::Connection& c) const;
  // Installs the trap policies of `c` if the backend sends acquires
  // (trap_policies.h); logs what fails.
  void ArmTrap(const config::Connection& c);
  // Uninstalls the SA's CHILD_SAs (they stay listed, kDeleted) and cancels
  // their timers, reporting each installed one down with `cause`, `reason`.
  void UninstallChildren(IkeSa& sa, api::DownCause cause, const std::string& reason);
  IkeSa* NewInitiatorSa(std::shared_ptr<const config::Connection> conn, const Endpoint& remote);
  // An InitiatePeer SA is established: back to the shared Connection.
  void OnPeerEstablished(IkeSa& sa);

  EngineEnv env_;
  IkeSaManager sas_;
  PolicyRefs policies_;
  ChildSaKernel child_kernel_;
  TrapPolicies traps_{child_kernel_};
  std::map<std::string, std::shared_ptr<const config::Connection>> connections_;
  std::multimap<std::string, std::function<void(Status)>> initiate_waiters_;
  // dpd-action = restart in progress, by connection name.
  struct RestartState {
    Endpoint remote;
    int attempts = 0;
    TimerId timer = kNoTimer;  // the next attempt, while waiting
  };
  std::map<std::string, RestartState> restarts_;
  std::set<std::string> trapped_;  // armed by dpd-action = trap
  pool::LeaseRegistry* leases_ = nullptr;
  uint64_t last_child_id_ = 0;
  uint32_t last_reqid_ = 0;
  // IKE_SAs started by InitiatePeer on a per-peer copy of their Connection.
  std::set<uint64_t> inertia_sas_;
  ByteSpan current_datagram_;
  Endpoint current_local_;
  Endpoint current_remote_;
};

}  // namespace ikevpn::ike
