// The Daemon as api::ControlApi: what the D-Bus service calls.
#include <algorithm>

#include "daemon/app/daemon.h"
#include "daemon/base/log.h"
#include "daemon/config/connection_settings.h"
#include "daemon/config/proposal_parser.h"

namespace ikevpn::app {

namespace {

std::vector<std::string> Selectors(const config::TsSpec& spec) {
  if (spec.dynamic) return {"dynamic"};
  std::vector<std::string> out;
  for (const TrafficSelector& t : spec.selectors) out.push_back(t.ToString());
  return out;
}

}  // namespace

std::vector<api::ConnectionInfo> Daemon::ListConnections() const {
  std::vector<api::ConnectionInfo> out;
  for (const config::Connection& c : config_.connections) {
    api::ConnectionInfo i;
    i.name = c.name;
    i.state = engine_ ? engine_->StateOf(c.name) : api::ConnectionState::kDown;
    i.local_addrs = {c.local.text};
    i.remote_addrs = {c.remote.text};
    i.local_id = c.local_id ? c.local_id->text : "";
    i.remote_id = c.remote_id ? c.remote_id->text : "";
    i.auth = std::string(config::ToString(c.auth));
    i.interface = c.interface;
    i.if_id = c.if_id.value_or(0);
    i.start_action = std::string(config::ToString(c.start_action));
    i.ike_proposals = config::ToString(c.ike_proposals);
    i.esp_proposals = config::ToString(c.esp_proposals);
    i.local_ts = Selectors(c.local_ts);
    i.remote_ts = Selectors(c.remote_ts);
    if (engine_) {
      i.ike_sas = engine_->IkeSaCount(c.name);
      i.child_sas = engine_->ChildSaCount(c.name);
    }
    out.push_back(std::move(i));
  }
  return out;
}

std::vector<api::IkeSaInfo> Daemon::ListIkeSas() const { return engine_ ? engine_->ListIkeSas() : std::vector<api::IkeSaInfo>{}; }

std::vector<api::ChildSaInfo> Daemon::ListChildSas() const {
  return engine_ ? engine_->ListChildSas() : std::vector<api::ChildSaInfo>{};
}

Result<api::SaCounters> Daemon::ChildSaCounters(uint64_t child_sa_id) const {
  if (!engine_) return Status(Code::kNotFound, "the daemon is shutting down");
  return engine_->ChildSaCounters(child_sa_id);
}

void Daemon::Up(const std::string& name, std::function<void(Status)> done) {
  if (!engine_) {
    done(Status(Code::kRetry, "the daemon is shutting down"));
    return;
  }
  engine_->Initiate(name, std::move(done));
}

Status Daemon::Down(const std::string& name) {
  if (!engine_) return Status(Code::kRetry, "the daemon is shutting down");
  return engine_->Terminate(name);
}

Status Daemon::Terminate(uint64_t ike_sa_id) {
  if (!engine_) return Status(Code::kRetry, "the daemon is shutting down");
  return engine_->TerminateSa(ike_sa_id);
}

Status Daemon::AddConnection(const std::string& name,
                             const std::map<std::string, std::string>& settings) {
  if (!engine_) return Status(Code::kRetry, "the daemon is shutting down");
  if (config_.Find(name)) {
    bool runtime = std::any_of(runtime_.begin(), runtime_.end(),
                               [&](const config::Connection& c) { return c.name == name; });
    return Status(Code::kExists, "connection '" + name + "' exists already (" +
                                     (runtime ? "added at runtime; RemoveConnection it first"
                                              : "defined in " + options_.config) +
                                     ")");
  }
  std::vector<config::Diagnostic> warnings;
  IKEVPN_ASSIGN_OR_RETURN(config::Connection c,
                          config::ParseConnectionSettings(name, settings, config_, &warnings));
  for (const auto& w : warnings) IKEVPN_LOG(kCfg, kWarn) << "warning: " << w.ToString();
  config::Config next = config_;
  next.connections.push_back(c);
  IKEVPN_RETURN_IF_ERROR(ApplyConfig(std::move(next), /*initial=*/false));
  runtime_.push_back(std::move(c));
  IKEVPN_LOG(kCfg, kInfo) << "connection '" << name << "' added at runtime";
  Publish({api::EventKind::kConnectionAdded, name});
  return Status::Ok();
}

Status Daemon::RemoveConnection(const std::string& name) {
  if (!engine_) return Status(Code::kRetry, "the daemon is shutting down");
  auto it = std::find_if(runtime_.begin(), runtime_.end(),
                         [&](const config::Connection& c) { return c.name == name; });
  if (it == runtime_.end()) {
    if (config_.Find(name)) {
      return Status(Code::kInvalidArgument, "connection '" + name + "' is defined in " +
                                                options_.config +
                                                "; only connections added at runtime can be removed");
    }
    return Status(Code::kNotFound, "no connection named '" + name + "'");
  }
  runtime_.erase(it);
  config::Config next = config_;
  std::erase_if(next.connections, [&](const config::Connection& c) { return c.name == name; });
  // Its SAs are deleted (INFORMATIONAL Delete) and its interface released.
  IKEVPN_RETURN_IF_ERROR(ApplyConfig(std::move(next), /*initial=*/false));
  IKEVPN_LOG(kCfg, kInfo) << "connection '" << name << "' removed";
  Publish({api::EventKind::kConnectionRemoved, name});
  return Status::Ok();
}

uint64_t Daemon::Subscribe(std::function<void(const api::Event&)> fn) {
  subscribers_[++next_token_] = std::move(fn);
  return next_token_;
}

void Daemon::Unsubscribe(uint64_t token) { subscribers_.erase(token); }

}  // namespace ikevpn::app
