#include "dbus/control_core.h"

#include <utility>

#include "daemon/base/log.h"

namespace ikevpn::dbus {
namespace {

constexpr size_t kMaxNameLength = 255;

Status ShuttingDown() { return Status(Code::kIoError, "ikevpnd is shutting down"); }

}  // namespace

ControlCore::ControlCore(api::ControlApi& api, SteadyNow now) : api_(api), now_(std::move(now)) {}

ControlCore::~ControlCore() { Stop(); }

void ControlCore::Start(ControlObserver& observer) {
  if (subscription_) return;
  observer_ = &observer;
  self_ = std::make_shared<ControlCore*>(this);
  subscription_ = api_.Subscribe([this](const api::Event& event) { OnEvent(event); });
  InvalidateSnapshot();
  SyncConnections(/*config_changed=*/false);
  SyncSas();
}

void ControlCore::Stop() {
  if (subscription_) {
    api_.Unsubscribe(*subscription_);
    subscription_.reset();
  }
  observer_ = nullptr;
  self_.reset();
  connections_.clear();
  ike_sas_.clear();
  child_sas_.clear();
  counters_.clear();
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [token, reply] : pending) reply(ShuttingDown());
}

// validate -> act. (Authorization is the bus policy's job: see SPEC.md.)
void ControlCore::Up(const std::string& name, bool wait, std::function<void(Status)> reply) {
  if (!self_) return reply(ShuttingDown());
  if (Status valid = CheckConnection(name); !valid.ok()) return reply(valid);
  uint64_t token = next_token_++;
  pending_.emplace(token, std::move(reply));
  IKEVPN_LOG(kCtl, kInfo) << "D-Bus: up '" << name << "'" << (wait ? " (waiting)" : "");
  std::weak_ptr<ControlCore*> weak = self_;
  api_.Up(name, [weak, token](Status status) {
    if (auto self = weak.lock()) (*self)->CompleteUp(token, status);
  });
  // Without wait the caller only wants to know that the attempt started; a
  // `done` that already ran (up already, or failed at once) has replied.
  if (!wait) CompleteUp(token, Status::Ok());
}

void ControlCore::CompleteUp(uint64_t token, const Status& status) {
  auto it = pending_.find(token);
  if (it == pending_.end()) {
    // Up without wait: the caller got its reply, the kFailed event reports this.
    if (!status.ok()) IKEVPN_LOG(kCtl, kDebug) << "D-Bus: up finished after reply: " << status.ToString();
    return;
  }
  auto reply = std::move(it->second);
  pending_.erase(it);
  reply(status);
}

Status ControlCore::Down(const std::string& name) {
  IKEVPN_RETURN_IF_ERROR(CheckConnection(name));
  IKEVPN_LOG(kCtl, kInfo) << "D-Bus: down '" << name << "'";
  return api_.Down(name);
}

Status ControlCore::Terminate(uint64_t ike_sa_id) {
  if (ike_sa_id == 0) return Status(Code::kInvalidArgument, "IKE_SA id 0 is never used");
  if (!FindIkeSa(ike_sa_id)) {
    return Status(Code::kNotFound, "no IKE_SA with id " + std::to_string(ike_sa_id));
  }
  IKEVPN_LOG(kCtl, kInfo) << "D-Bus: terminate IKE_SA " << ike_sa_id;
  return api_.Terminate(ike_sa_id);
}

Status ControlCore::Reload() {
  IKEVPN_LOG(kCtl, kInfo) << "D-Bus: reload";
  IKEVPN_RETURN_IF_ERROR(api_.Reload());
  // The kReloaded event normally brings the objects up to date; this covers
  // an implementation that reloads without one.
  InvalidateSnapshot();
  SyncConnections(/*config_changed=*/true);
  return Status::Ok();
}

Status ControlCore::AddConnection(const std::string& name,
                                  const std::map<std::string, std::string>& settings) {
  IKEVPN_RETURN_IF_ERROR(CheckName(name));
  IKEVPN_LOG(kCtl, kInfo) << "D-Bus: add connection '" << name << "' (" << settings.size()
                          << " settings)";
  IKEVPN_RETURN_IF_ERROR(api_.AddConnection(name, settings));
  // The kConnectionAdded event normally does this; see Reload.
  InvalidateSnapshot();
  SyncConnections(/*config_changed=*/false);
  return Status::Ok();
}

Status ControlCore::RemoveConnection(const std::string& name) {
  IKEVPN_RETURN_IF_ERROR(CheckConnection(name));
  IKEVPN_LOG(kCtl, kInfo) << "D-Bus: remove connection '" << name << "'";
  IKEVPN_RETURN_IF_ERROR(api_.RemoveConnection(name));
  InvalidateSnapshot();
  SyncConnections(/*config_changed=*/false);
  return Status::Ok();
}

Status ControlCore::CheckName(const std::string& name) {
  if (name.empty()) return Status(Code::kInvalidArgument, "connection name is empty");
  if (name.size() > kMaxNameLength) {
    return Status(Code::kInvalidArgument, "connection name is longer than 255 bytes");
  }
  return Status::Ok();
}

Status ControlCore::CheckConnection(const std::string& name) {
  IKEVPN_RETURN_IF_ERROR(CheckName(name));
  if (!FindConnection(name)) return Status(Code::kNotFound, "no connection named '" + name + "'");
  return Status::Ok();
}

const std::vector<api::ConnectionInfo>& ControlCore::Connections() {
  if (!conn_snapshot_) conn_snapshot_ = api_.ListConnections();
  return *conn_snapshot_;
}

const std::vector<api::IkeSaInfo>& ControlCore::IkeSas() {
  if (!ike_snapshot_) {
    ike_snapshot_ = api_.ListIkeSas();
    ike_index_.clear();
    for (size_t i = 0; i < ike_snapshot_->size(); ++i) ike_index_[(*ike_snapshot_)[i].id] = i;
  }
  return *ike_snapshot_;
}

const std::vector<api::ChildSaInfo>& ControlCore::ChildSas() {
  if (!child_snapshot_) {
    child_snapshot_ = api_.ListChildSas();
    child_index_.clear();
    for (size_t i = 0; i < child_snapshot_->size(); ++i) child_index_[(*child_snapshot_)[i].id] = i;
  }
  return *child_snapshot_;
}

Result<api::SaCounters> ControlCore::Counters(uint64_t child_sa_id, bool fresh) {
  auto now = now_();
  auto it = counters_.find(child_sa_id);
  if (!fresh && it != counters_.end() && now - it->second.read_at < kCounterMaxAge) {
    return it->second.counters;
  }
  Result<api::SaCounters> read = api_.ChildSaCounters(child_sa_id);
  // Only for objects we publish: the cache is emptied when they go.
  if (read.ok() && child_sas_.count(child_sa_id)) counters_[child_sa_id] = {*read, now};
  return read;
}

std::vector<api::ChildSaInfo> ControlCore::ChildSasWithCounters() {
  std::vector<api::ChildSaInfo> out = ChildSas();
  for (api::ChildSaInfo& sa : out) {
    if (Result<api::SaCounters> c = Counters(sa.id, /*fresh=*/true); c.ok()) {
      sa.bytes_in = c->bytes_in;
      sa.bytes_out = c->bytes_out;
      sa.packets_in = c->packets_in;
      sa.packets_out = c->packets_out;
    }
  }
  return out;
}

const api::ConnectionInfo* ControlCore::FindConnection(const std::string& name) {
  for (const auto& c : Connections()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const api::IkeSaInfo* ControlCore::FindIkeSa(uint64_t id) {
  const auto& list = IkeSas();
  auto it = ike_index_.find(id);
  return it == ike_index_.end() ? nullptr : &list[it->second];
}

const api::ChildSaInfo* ControlCore::FindChildSa(uint64_t id) {
  const auto& list = ChildSas();
  auto it = child_index_.find(id);
  return it == child_index_.end() ? nullptr : &list[it->second];
}

void ControlCore::InvalidateSnapshot() {
  conn_snapshot_.reset();
  ike_snapshot_.reset();
  child_snapshot_.reset();
  ike_index_.clear();
  child_index_.clear();
}

void ControlCore::OnEvent(const api::Event& event) {
  InvalidateSnapshot();
  const std::string& conn = event.connection;
  switch (event.kind) {
    case api::EventKind::kConnectionState:
      if (!connections_.count(conn)) SyncConnections(/*config_changed=*/false);
      if (connections_.count(conn)) observer_->ConnectionStateChanged(conn, event.state, event.reason);
      break;
    case api::EventKind::kIkeSaUp:
      AddIkeSa(event.ike_sa_id, conn);
      break;
    case api::EventKind::kIkeSaDown:
      RemoveIkeSa(event.ike_sa_id, conn);
      break;
    case api::EventKind::kIkeSaRekeyed:
      // The CHILD_SAs move to the successor; the old IKE_SA is gone.
      AddIkeSa(event.new_sa_id, conn);
      for (auto& [child, ike] : child_sas_) {
        if (ike == event.ike_sa_id) ike = event.new_sa_id;
      }
      RemoveIkeSa(event.ike_sa_id, conn);
      break;
    case api::EventKind::kChildSaUp:
      AddChildSa(event.child_sa_id, event.ike_sa_id, conn);
      break;
    case api::EventKind::kChildSaDown:
      RemoveChildSa(event.child_sa_id, conn);
      break;
    case api::EventKind::kChildSaRekeyed:
      AddChildSa(event.new_sa_id, event.ike_sa_id, conn);
      RemoveChildSa(event.child_sa_id, conn);
      break;
    case api::EventKind::kFailed:
      break;
    case api::EventKind::kReloaded:
      SyncConnections(/*config_changed=*/true);
      break;
    case api::EventKind::kConnectionAdded:
    case api::EventKind::kConnectionRemoved:
      SyncConnections(/*config_changed=*/false);
      break;
  }
  observer_->EventRaised(event);
}

void ControlCore::SyncConnections(bool config_changed) {
  if (!observer_) return;
  std::set<std::string> now;
  for (const auto& c : Connections()) now.insert(c.name);
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (now.count(*it)) {
      if (config_changed) observer_->ConnectionConfigChanged(*it);
      ++it;
      continue;
    }
    std::string gone = *it;
    it = connections_.erase(it);
    observer_->ConnectionRemoved(gone);
  }
  for (const auto& name : now) {
    if (connections_.insert(name).second) observer_->ConnectionAdded(name);
  }
}

void ControlCore::SyncSas() {
  for (const auto& sa : IkeSas()) AddIkeSa(sa.id, sa.connection);
  for (const auto& sa : ChildSas()) AddChildSa(sa.id, sa.ike_sa_id, sa.connection);
}

void ControlCore::AddIkeSa(uint64_t id, const std::string& connection) {
  if (id == 0 || !ike_sas_.insert(id).second) return;
  observer_->IkeSaAdded(id);
  if (connections_.count(connection)) observer_->ConnectionSasChanged(connection);
}

void ControlCore::RemoveIkeSa(uint64_t id, const std::string& connection) {
  if (!ike_sas_.count(id)) return;
  std::vector<uint64_t> children;
  for (const auto& [child, ike] : child_sas_) {
    if (ike == id) children.push_back(child);
  }
  for (uint64_t child : children) RemoveChildSa(child, connection);
  ike_sas_.erase(id);
  observer_->IkeSaRemoved(id);
  if (connections_.count(connection)) observer_->ConnectionSasChanged(connection);
}

void ControlCore::AddChildSa(uint64_t id, uint64_t ike_sa_id, const std::string& connection) {
  if (id == 0 || !child_sas_.emplace(id, ike_sa_id).second) return;
  observer_->ChildSaAdded(id);
  if (connections_.count(connection)) observer_->ConnectionSasChanged(connection);
}

void ControlCore::RemoveChildSa(uint64_t id, const std::string& connection) {
  if (!child_sas_.erase(id)) return;
  counters_.erase(id);
  observer_->ChildSaRemoved(id);
  if (connections_.count(connection)) observer_->ConnectionSasChanged(connection);
}

}  // namespace ikevpn::dbus
