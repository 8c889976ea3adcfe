// ControlCore: the D-Bus-free half of the control service (the "X" of the
// systemd-networkd X / X-bus split). It validates and carries out method
// calls on the ControlApi, tracks which connection, IKE_SA and CHILD_SA
// objects exist, and tells a ControlObserver (the bus glue) what changed.
//
// Runs on the daemon's event loop. Reads go through a snapshot of the
// ControlApi lists that is taken on first use and dropped by
// InvalidateSnapshot() (the bus glue does that before every dispatch round
// and every event), so one GetManagedObjects costs one list call, not one
// per property. The lists carry no traffic counters, so keeping the objects
// in sync on every event never queries the kernel. Counters are read only
// when a client asks: ListSas reads them fresh (one kernel query per
// CHILD_SA) and refreshes the cache; the counter properties are served
// from the cache for kCounterMaxAge, so that the four counter properties of
// one object cost one query.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/api/control.h"
#include "daemon/base/status.h"

namespace ikevpn::dbus {

class ControlObserver {
 public:
  virtual ~ControlObserver() = default;
  virtual void ConnectionAdded(const std::string& name) = 0;
  virtual void ConnectionRemoved(const std::string& name) = 0;
  // The connection's configuration may have changed (after a reload).
  virtual void ConnectionConfigChanged(const std::string& name) = 0;
  virtual void ConnectionStateChanged(const std::string& name, api::ConnectionState state,
                                      const std::string& reason) = 0;
  // Its IKE_SA or CHILD_SA count changed.
  virtual void ConnectionSasChanged(const std::string& name) = 0;
  virtual void IkeSaAdded(uint64_t id) = 0;
  virtual void IkeSaRemoved(uint64_t id) = 0;
  virtual void ChildSaAdded(uint64_t id) = 0;
  virtual void ChildSaRemoved(uint64_t id) = 0;
  // Every api::Event, after the object changes it caused were reported.
  virtual void EventRaised(const api::Event& event) = 0;
};

class ControlCore {
 public:
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr std::chrono::milliseconds kCounterMaxAge{1000};

  // `api` must outlive this object. `now` is the clock of the counter cache.
  explicit ControlCore(api::ControlApi& api, SteadyNow now = std::chrono::steady_clock::now);
  ~ControlCore();
  ControlCore(const ControlCore&) = delete;
  ControlCore& operator=(const ControlCore&) = delete;

  // Subscribes to events and reports every existing object to `observer`
  // as added. `observer` must stay valid until Stop().
  void Start(ControlObserver& observer);
  // Unsubscribes and answers every pending Up with an error. Idempotent.
  void Stop();

  // Starts a connection (only while started). `reply` runs exactly once: with wait, when the
  // ControlApi's done runs; without, as soon as the attempt has started (or
  // failed at once). It may run before Up returns. After Stop() it runs with
  // kIoError "ikevpnd is shutting down".
  void Up(const std::string& name, bool wait, std::function<void(Status)> reply);
  Status Down(const std::string& name);
  Status Terminate(uint64_t ike_sa_id);
  Status Reload();
  // Runtime connections (ControlApi::AddConnection/RemoveConnection). The
  // connection objects are updated before these return.
  Status AddConnection(const std::string& name, const std::map<std::string, std::string>& settings);
  Status RemoveConnection(const std::string& name);
  // OK if `name` is an acceptable connection name (1-255 bytes), else kInvalidArgument.
  static Status CheckName(const std::string& name);
  // OK if `name` is a known connection, else kNotFound/kInvalidArgument.
  Status CheckConnection(const std::string& name);

  const std::vector<api::ConnectionInfo>& Connections();
  const std::vector<api::IkeSaInfo>& IkeSas();
  const std::vector<api::ChildSaInfo>& ChildSas();
  // nullptr if not (or no longer) there.
  const api::ConnectionInfo* FindConnection(const std::string& name);
  const api::IkeSaInfo* FindIkeSa(uint64_t id);
  const api::ChildSaInfo* FindChildSa(uint64_t id);
  void InvalidateSnapshot();

  // The CHILD_SA's counters, at most kCounterMaxAge old (fresh: read now,
  // and refresh the cache).
  Result<api::SaCounters> Counters(uint64_t child_sa_id, bool fresh = false);
  // ChildSas() with their counters filled in (for ListSas).
  std::vector<api::ChildSaInfo> ChildSasWithCounters();

  size_t pending_ups() const { return pending_.size(); }

 private:
  void OnEvent(const api::Event& event);
  void CompleteUp(uint64_t token, const Status& status);
  void SyncConnections(bool config_changed);
  void SyncSas();
  void AddIkeSa(uint64_t id, const std::string& connection);
  void RemoveIkeSa(uint64_t id, const std::string& connection);
  void AddChildSa(uint64_t id, uint64_t ike_sa_id, const std::string& connection);
  void RemoveChildSa(uint64_t id, const std::string& connection);

  api::ControlApi& api_;
  ControlObserver* observer_ = nullptr;  // set while started
  std::optional<uint64_t> subscription_;
  // Keeps late `done` callbacks of ControlApi::Up from reaching a dead core.
  std::shared_ptr<ControlCore*> self_;

  uint64_t next_token_ = 1;
  std::map<uint64_t, std::function<void(Status)>> pending_;

  std::set<std::string> connections_;
  std::set<uint64_t> ike_sas_;
  std::map<uint64_t, uint64_t> child_sas_;  // CHILD_SA id -> IKE_SA id

  std::optional<std::vector<api::ConnectionInfo>> conn_snapshot_;
  std::optional<std::vector<api::IkeSaInfo>> ike_snapshot_;
  std::optional<std::vector<api::ChildSaInfo>> child_snapshot_;
  // id -> position in the snapshot, built with it.
  std::map<uint64_t, size_t> ike_index_;
  std::map<uint64_t, size_t> child_index_;

  struct CachedCounters {
    api::SaCounters counters;
    std::chrono::steady_clock::time_point read_at;
  };
  SteadyNow now_;
  std::map<uint64_t, CachedCounters> counters_;  // by CHILD_SA id
};

}  // namespace ikevpn::dbus
