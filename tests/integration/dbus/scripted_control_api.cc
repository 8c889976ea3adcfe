#include "tests/integration/dbus/scripted_control_api.h"

#include <algorithm>

namespace ikevpn::testing {
namespace {

api::ConnectionInfo MakeConnection(const std::string& name, uint32_t if_id) {
  api::ConnectionInfo c;
  c.name = name;
  c.local_addrs = {"%any"};
  c.remote_addrs = {"192.0.2." + std::to_string(if_id)};
  c.local_id = "client@example.net";
  c.remote_id = "gw" + std::to_string(if_id) + ".example.net";
  c.auth = "psk";
  c.interface = "ipsec" + std::to_string(if_id - 1);
  c.if_id = if_id;
  c.start_action = "none";
  c.ike_proposals = "aes256gcm16-prfsha384-x25519";
  c.esp_proposals = "aes256gcm16";
  c.local_ts = {"10.0." + std::to_string(if_id) + ".0/24"};
  c.remote_ts = {"10.1." + std::to_string(if_id) + ".0/24"};
  return c;
}

}  // namespace

ScriptedControlApi::ScriptedControlApi(Timers& timers, const Clock& clock, Duration delay)
    : timers_(timers), clock_(clock), delay_(delay) {
  uint32_t if_id = 1;
  for (const char* name : {"office", "home-lab", "badauth", "slow"}) {
    connections_[name] = MakeConnection(name, if_id++);
  }
}

std::vector<api::ConnectionInfo> ScriptedControlApi::ListConnections() const {
  std::vector<api::ConnectionInfo> out;
  for (const auto& [name, c] : connections_) {
    api::ConnectionInfo copy = c;
    for (const auto& [id, sa] : ike_sas_) copy.ike_sas += sa.connection == name;
    for (const auto& [id, sa] : child_sas_) copy.child_sas += sa.connection == name;
    out.push_back(copy);
  }
  return out;
}

std::vector<api::IkeSaInfo> ScriptedControlApi::ListIkeSas() const {
  std::vector<api::IkeSaInfo> out;
  for (const auto& [id, sa] : ike_sas_) out.push_back(sa);
  return out;
}

std::vector<api::ChildSaInfo> ScriptedControlApi::ListChildSas() const {
  std::vector<api::ChildSaInfo> out;
  for (const auto& [id, sa] : child_sas_) out.push_back(sa);
  return out;
}

Result<api::SaCounters> ScriptedControlApi::ChildSaCounters(uint64_t child_sa_id) const {
  auto it = child_sas_.find(child_sa_id);
  if (it == child_sas_.end()) return Status(Code::kNotFound, "no CHILD_SA " + std::to_string(child_sa_id));
  const api::ChildSaInfo& sa = it->second;
  // Traffic grows with time, so counters differ between reads.
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  return api::SaCounters{sa.bytes_in + static_cast<uint64_t>(secs) * 1000, sa.bytes_out, sa.packets_in,
                         sa.packets_out};
}

void ScriptedControlApi::Up(const std::string& name, std::function<void(Status)> done) {
  auto it = connections_.find(name);
  if (it == connections_.end()) return done(Status(Code::kNotFound, "no connection named '" + name + "'"));
  if (it->second.state == api::ConnectionState::kUp) return done(Status::Ok());
  SetState(name, api::ConnectionState::kConnecting);
  if (name == "slow") return;  // never answers
  timers_.Schedule(delay_, [this, name, done = std::move(done)] {
    if (name == "badauth") {
      api::Event failed;
      failed.kind = api::EventKind::kFailed;
      failed.connection = name;
      failed.reason = "AUTHENTICATION_FAILED";
      failed.cause = api::DownCause::kAuthFailed;
      Emit(failed);
      SetState(name, api::ConnectionState::kDown, "AUTHENTICATION_FAILED");
      return done(Status(Code::kAuthFailed, "peer rejected our authentication (AUTHENTICATION_FAILED)"));
    }
    Establish(name);
    done(Status::Ok());
  });
}

void ScriptedControlApi::Establish(const std::string& name) {
  const api::ConnectionInfo& c = connections_[name];
  api::IkeSaInfo ike;
  ike.id = next_sa_id_++;
  ike.connection = name;
  ike.state = "ESTABLISHED";
  ike.initiator = true;
  ike.local = {*IpAddress::Parse("198.51.100.7"), 4500};
  ike.remote = {*IpAddress::Parse(c.remote_addrs[0]), 4500};
  ike.local_id = c.local_id;
  ike.remote_id = c.remote_id;
  ike.spi_i = 0x1122334455667788ULL;
  ike.spi_r = 0x99aabbccddeeff00ULL + ike.id;
  ike.algorithms = "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519";
  ike.established = clock_.WallSeconds();
  ike.rekey_at = ike.established + 3600;
  ike.virtual_ips = {*Prefix::Parse("10.9.0.2/32")};
  ike_sas_[ike.id] = ike;
  api::Event up{.kind = api::EventKind::kIkeSaUp, .connection = name, .ike_sa_id = ike.id};
  Emit(up);

  api::ChildSaInfo child;
  child.id = next_sa_id_++;
  child.ike_sa_id = ike.id;
  child.connection = name;
  child.state = "INSTALLED";
  child.spi_in = 0xc0000000u + static_cast<uint32_t>(child.id);
  child.spi_out = 0xd0000000u + static_cast<uint32_t>(child.id);
  child.mode = "tunnel";
  child.local_ts = c.local_ts;
  child.remote_ts = c.remote_ts;
  child.algorithms = "AES_GCM_16_256";
  child.interface = c.interface;
  child.if_id = c.if_id;
  child.bytes_out = 4096;
  child.packets_in = 3;
  child.packets_out = 4;
  child.established = ike.established;
  child.rekey_at = ike.established + 1800;
  child_sas_[child.id] = child;
  Emit({.kind = api::EventKind::kChildSaUp, .connection = name, .ike_sa_id = ike.id, .child_sa_id = child.id});
  SetState(name, api::ConnectionState::kUp);
}

void ScriptedControlApi::DeleteSas(const std::string& name) {
  for (auto it = child_sas_.begin(); it != child_sas_.end();) {
    if (it->second.connection != name) {
      ++it;
      continue;
    }
    api::Event down{.kind = api::EventKind::kChildSaDown, .connection = name,
                    .ike_sa_id = it->second.ike_sa_id, .child_sa_id = it->first, .reason = "deleted",
                    .cause = api::DownCause::kDeleted};
    it = child_sas_.erase(it);
    Emit(down);
  }
  for (auto it = ike_sas_.begin(); it != ike_sas_.end();) {
    if (it->second.connection != name) {
      ++it;
      continue;
    }
    api::Event down{.kind = api::EventKind::kIkeSaDown, .connection = name, .ike_sa_id = it->first,
                    .reason = "deleted", .cause = api::DownCause::kDeleted};
    it = ike_sas_.erase(it);
    Emit(down);
  }
}

Status ScriptedControlApi::Down(const std::string& name) {
  auto it = connections_.find(name);
  if (it == connections_.end()) return Status(Code::kNotFound, "no connection named '" + name + "'");
  if (it->second.state == api::ConnectionState::kDown) return Status::Ok();
  SetState(name, api::ConnectionState::kClosing);
  DeleteSas(name);
  SetState(name, api::ConnectionState::kDown, "deleted by user");
  return Status::Ok();
}

Status ScriptedControlApi::Terminate(uint64_t ike_sa_id) {
  auto it = ike_sas_.find(ike_sa_id);
  if (it == ike_sas_.end()) return Status(Code::kNotFound, "no IKE_SA " + std::to_string(ike_sa_id));
  return Down(it->second.connection);
}

Status ScriptedControlApi::Reload() {
  if (reload_check) {
    if (auto error = reload_check()) return *error;
  }
  if (reload_error) return *reload_error;
  if (!connections_.count("added")) connections_["added"] = MakeConnection("added", 9);
  Emit({.kind = api::EventKind::kReloaded});
  return Status::Ok();
}

Status ScriptedControlApi::AddConnection(const std::string& name,
                                         const std::map<std::string, std::string>& settings) {
  if (connections_.count(name)) return Status(Code::kExists, "connection '" + name + "' exists already");
  auto remote = settings.find("remote");
  if (remote == settings.end())
    return Status(Code::kInvalidArgument, "AddConnection '" + name + "': remote is required");
  api::ConnectionInfo c = MakeConnection(name, 20);
  c.remote_addrs = {remote->second};
  connections_[name] = c;
  runtime_.push_back(name);
  Emit({.kind = api::EventKind::kConnectionAdded, .connection = name});
  return Status::Ok();
}

Status ScriptedControlApi::RemoveConnection(const std::string& name) {
  if (!connections_.count(name)) return Status(Code::kNotFound, "no connection named '" + name + "'");
  if (std::find(runtime_.begin(), runtime_.end(), name) == runtime_.end())
    return Status(Code::kInvalidArgument, "connection '" + name + "' is defined in the file");
  std::erase(runtime_, name);
  DeleteSas(name);
  connections_.erase(name);
  Emit({.kind = api::EventKind::kConnectionRemoved, .connection = name});
  return Status::Ok();
}

uint64_t ScriptedControlApi::Subscribe(std::function<void(const api::Event&)> fn) {
  subscribers_[next_token_] = std::move(fn);
  return next_token_++;
}

void ScriptedControlApi::Unsubscribe(uint64_t token) { subscribers_.erase(token); }

void ScriptedControlApi::Emit(api::Event e) {
  auto copy = subscribers_;  // a subscriber may unsubscribe
  for (auto& [token, fn] : copy) fn(e);
}

void ScriptedControlApi::SetState(const std::string& name, api::ConnectionState state,
                                  const std::string& reason) {
  connections_[name].state = state;
  Emit({.kind = api::EventKind::kConnectionState, .connection = name, .state = state, .reason = reason});
}

}  // namespace ikevpn::testing
