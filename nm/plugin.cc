#include "nm/plugin.h"

#include <net/if.h>

#include <sdbus-c++/sdbus-c++.h>

#include "daemon/base/log.h"
#include "nm/ip_config.h"

namespace ikevpn::nm {
namespace {

constexpr char kErrorPrefix[] = "org.freedesktop.NetworkManager.VPN.Error.";
// Idle time before the process exits once stopped (or never started).
constexpr auto kQuitAfter = std::chrono::seconds(20);
// NetworkManager's vpn.timeout default.
constexpr uint32_t kDefaultTimeout = 60;

[[noreturn]] void Throw(const char* error, const std::string& message) {
  throw sdbus::Error(std::string(kErrorPrefix) + error, message);
}

template <typename T>
T Lookup(const std::map<std::string, std::map<std::string, sdbus::Variant>>& s,
         const std::string& setting, const std::string& key, T fallback = T()) {
  auto it = s.find(setting);
  if (it == s.end()) return fallback;
  auto kt = it->second.find(key);
  if (kt == it->second.end()) return fallback;
  try {
    return kt->second.get<T>();
  } catch (const sdbus::Error&) {
    return fallback;
  }
}

std::vector<std::string> ExistingLinks() {
  std::vector<std::string> out;
  if (struct if_nameindex* list = if_nameindex()) {
    for (struct if_nameindex* i = list; i->if_index != 0; ++i) out.emplace_back(i->if_name);
    if_freenameindex(list);
  }
  return out;
}

const char* Name(ServiceState s) {
  switch (s) {
    case ServiceState::kUnknown: return "unknown";
    case ServiceState::kInit: return "init";
    case ServiceState::kShutdown: return "shutdown";
    case ServiceState::kStarting: return "starting";
    case ServiceState::kStarted: return "started";
    case ServiceState::kStopping: return "stopping";
    case ServiceState::kStopped: return "stopped";
  }
  return "?";
}

const char* Name(FailureReason r) {
  switch (r) {
    case FailureReason::kLoginFailed: return "LOGIN_FAILED";
    case FailureReason::kConnectFailed: return "CONNECT_FAILED";
    case FailureReason::kBadIpConfig: return "BAD_IP_CONFIG";
  }
  return "?";
}

}  // namespace

Plugin::Plugin(sdbus::IConnection& bus, EventLoop& loop, std::function<void()> after_send,
               std::function<void()> quit)
    : AdaptorInterfaces(bus, kPluginPath),
      loop_(loop),
      after_send_(std::move(after_send)),
      quit_(std::move(quit)),
      ikevpnd_(
          bus,
          [this](const std::string& kind, const std::string& conn, const VariantMap& d) {
            OnEvent(kind, conn, d);
          },
          [this](const std::string& name, const std::string& owner) { OnOwnerChanged(name, owner); }) {
  registerAdaptor();
  ScheduleQuit();
}

Plugin::~Plugin() { unregisterAdaptor(); }

void Plugin::Connect(const Settings& connection) {
  if (state_ == ServiceState::kStarting) Throw("StartingInProgress", "a connection is being started");
  if (state_ == ServiceState::kStarted) Throw("AlreadyStarted", "a connection is active");
  if (state_ == ServiceState::kStopping) Throw("StoppingInProgress", "the last connection is stopping");
  auto data = Lookup<StringMap>(connection, "vpn", "data");
  auto secrets = Lookup<StringMap>(connection, "vpn", "secrets");
  auto uuid = Lookup<std::string>(connection, "connection", "uuid");
  auto id = Lookup<std::string>(connection, "connection", "id");
  uint32_t timeout = Lookup<uint32_t>(connection, "vpn", "timeout", 0);
  if (uuid.empty()) Throw("BadArguments", "the connection has no uuid");
  auto settings = TranslateVpnSettings(data, secrets);
  if (!settings.ok()) {
    IKEVPN_LOG(kCtl, kError) << "connection '" << id << "': " << settings.status().message();
    Throw("InvalidConnection", settings.status().message());
  }
  settings_ = std::move(settings).value();
  name_ = ConnectionName(uuid);
  if (settings_.interface.empty()) {
    settings_.interface = PickInterface();
    settings_.ikevpn["interface"] = settings_.interface;
  }

  // The ikevpnd that gets the connection; if it goes, so does the connection.
  auto owner = ikevpnd_.Owner();
  if (!owner.ok()) {
    name_.clear();
    IKEVPN_LOG(kCtl, kError) << "cannot reach ikevpnd: " << owner.status().message();
    Throw("LaunchFailed", "ikevpnd: " + owner.status().message());
  }
  presence_.Pin(*owner);
  Status added = ikevpnd_.AddConnection(name_, settings_.ikevpn);
  if (added.code() == Code::kExists) {
    // Left over by an earlier plugin process that did not get to clean up.
    IKEVPN_LOG(kCtl, kWarn) << "ikevpnd still has " << name_ << "; replacing it";
    (void)ikevpnd_.Down(name_);
    (void)ikevpnd_.RemoveConnection(name_);
    added = ikevpnd_.AddConnection(name_, settings_.ikevpn);
  }
  if (!added.ok()) {
    std::string name = name_;
    name_.clear();
    presence_.Unpin();
    IKEVPN_LOG(kCtl, kError) << "ikevpnd refused connection " << name << ": " << added.message();
    Throw(added.code() == Code::kInvalidArgument ? "InvalidConnection" : "LaunchFailed",
          "ikevpnd: " + added.message());
  }
  IKEVPN_LOG(kCtl, kInfo) << "connection '" << id << "' is ikevpnd (" << *owner << ") connection " << name_
                          << " on " << settings_.interface << ", gateway " << settings_.ikevpn["remote"];
  loop_.Cancel(quit_timer_);
  quit_timer_ = kNoTimer;
  SetState(ServiceState::kStarting);  // before the reply, as NetworkManager expects
  uint64_t attempt = ++attempt_;
  // Leave NetworkManager's own timeout (vpn.timeout) room to see our answer.
  uint32_t secs = (timeout ? timeout : kDefaultTimeout);
  secs = secs > 10 ? secs - 5 : secs;
  ikevpnd_.Up(name_, std::chrono::seconds(secs),
              [this, attempt](Status status) { OnUp(attempt, status); });
}

void Plugin::ConnectInteractive(const Settings&, const VariantMap&) {
  // NetworkManager falls back to Connect on this error.
  Throw("InteractiveNotSupported", "nm-ikevpn-service takes its secrets inline");
}

std::string Plugin::NeedSecrets(const Settings& settings) {
  auto data = Lookup<StringMap>(settings, "vpn", "data");
  auto secrets = Lookup<StringMap>(settings, "vpn", "secrets");
  auto method = data.find("method");
  bool psk = method == data.end() || method->second == "psk";
  auto it = secrets.find("psk");
  if (psk && (it == secrets.end() || it->second.empty())) return "vpn";
  return "";
}

void Plugin::Disconnect() {
  if (state_ == ServiceState::kStopped || state_ == ServiceState::kInit)
    Throw("AlreadyStopped", "no connection is active");
  if (state_ == ServiceState::kStopping) Throw("StoppingInProgress", "the connection is stopping");
  IKEVPN_LOG(kCtl, kInfo) << "disconnect requested for " << name_;
  Stop();
}

void Plugin::SetConfig(const VariantMap&) {
  IKEVPN_LOG(kCtl, kDebug) << "SetConfig ignored: the configuration comes from ikevpnd";
}
void Plugin::SetIp4Config(const VariantMap&) {
  IKEVPN_LOG(kCtl, kDebug) << "SetIp4Config ignored: the configuration comes from ikevpnd";
}
void Plugin::SetIp6Config(const VariantMap&) {
  IKEVPN_LOG(kCtl, kDebug) << "SetIp6Config ignored: the configuration comes from ikevpnd";
}
void Plugin::SetFailure(const std::string& reason) {
  IKEVPN_LOG(kCtl, kWarn) << "SetFailure: " << reason;
  if (state_ == ServiceState::kStarting || state_ == ServiceState::kStarted)
    Fail(FailureReason::kConnectFailed, reason);
}
void Plugin::NewSecrets(const Settings&) {
  Throw("Failed", "nm-ikevpn-service does not ask for secrets interactively");
}

std::string Plugin::PickInterface() {
  std::vector<std::string> taken = ExistingLinks();
  if (auto used = ikevpnd_.Interfaces(); used.ok()) {
    taken.insert(taken.end(), used->begin(), used->end());
  }
  return FreeInterface(taken);
}

void Plugin::OnUp(uint64_t attempt, const Status& status) {
  if (attempt != attempt_ || state_ != ServiceState::kStarting) return;  // disconnected meanwhile
  if (!status.ok()) {
    Fail(status.code() == Code::kAuthFailed ? FailureReason::kLoginFailed
                                            : FailureReason::kConnectFailed,
         status.message());
    return;
  }
  std::vector<Prefix> virtual_ips;
  auto tunnel = ikevpnd_.Tunnel(name_, &virtual_ips);
  if (!tunnel.ok()) {
    Fail(FailureReason::kConnectFailed, tunnel.status().message());
    return;
  }
  TunnelInfo t = std::move(tunnel).value();
  t.mtu = settings_.mtu;
  t.addresses = virtual_ips.empty() ? settings_.inner : virtual_ips;
  if (t.tundev.empty()) t.tundev = settings_.interface;
  VariantMap ip4 = BuildIp4Config(t), ip6 = BuildIp6Config(t);
  if (ip4.empty() && ip6.empty()) {
    Fail(FailureReason::kBadIpConfig,
         settings_.virtual_ip ? "the gateway assigned no virtual IP (and no inner-address is set)"
                              : "no inner address");
    return;
  }
  std::string addrs;
  for (const Prefix& p : t.addresses) addrs += " " + p.ToString();
  IKEVPN_LOG(kCtl, kInfo) << name_ << " established: " << t.tundev << ", gateway " << t.gateway.ToString()
                          << ", address" << addrs << (virtual_ips.empty() ? " (configured)" : " (virtual IP)")
                          << ", " << t.routes.size() << " route(s), " << t.dns.size() << " DNS server(s)";
  emitConfig(BuildConfig(t));
  if (!ip4.empty()) emitIp4Config(ip4);
  if (!ip6.empty()) emitIp6Config(ip6);
  SetState(ServiceState::kStarted);
}

void Plugin::OnEvent(const std::string& kind, const std::string& connection, const VariantMap& details) {
  if (connection != name_ || name_.empty()) return;
  IKEVPN_LOG(kCtl, kDebug) << "ikevpnd event " << kind << " for " << connection;
  if (state_ != ServiceState::kStarted) return;  // while starting, Up's reply decides
  bool down = false;
  std::string reason;
  if (auto it = details.find("reason"); it != details.end()) {
    try {
      reason = it->second.get<std::string>();
    } catch (const sdbus::Error&) {
    }
  }
  if (kind == "connection_state") {
    if (auto it = details.find("state"); it != details.end()) {
      try {
        down = it->second.get<std::string>() == "down";
      } catch (const sdbus::Error&) {
      }
    }
  }
  if (kind == "connection_removed") down = true;
  if (down) Fail(FailureReason::kConnectFailed, "the tunnel went down" + (reason.empty() ? "" : ": " + reason));
}

void Plugin::OnOwnerChanged(const std::string& name, const std::string& new_owner) {
  std::string gone = presence_.OnOwnerChanged(name, new_owner);
  if (gone.empty()) return;
  if (state_ != ServiceState::kStarting && state_ != ServiceState::kStarted) return;
  // While starting too, without waiting for the pending Up to fail: its
  // reply is stale once Stop() has run.
  Fail(FailureReason::kConnectFailed, gone + "; the tunnel went with it");
}

void Plugin::Fail(FailureReason reason, const std::string& why) {
  IKEVPN_LOG(kCtl, kError) << (name_.empty() ? "connection" : name_) << " failed (" << Name(reason)
                           << "): " << why;
  emitFailure(static_cast<uint32_t>(reason));
  Stop();
}

void Plugin::Stop() {
  ++attempt_;  // a pending Up reply is stale now
  SetState(ServiceState::kStopping);
  TearDown();
  SetState(ServiceState::kStopped);
  ScheduleQuit();
}

void Plugin::TearDown() {
  bool gone = presence_.gone();
  presence_.Unpin();
  if (name_.empty()) return;
  std::string name = std::exchange(name_, "");
  if (gone) {
    // Down/RemoveConnection would reach nobody, or an ikevpnd that never had it.
    IKEVPN_LOG(kCtl, kInfo) << name << " was lost with its ikevpnd; nothing to tear down";
    return;
  }
  if (Status s = ikevpnd_.Down(name); !s.ok() && s.code() != Code::kNotFound)
    IKEVPN_LOG(kCtl, kWarn) << "ikevpnd Down " << name << ": " << s.message();
  if (Status s = ikevpnd_.RemoveConnection(name); !s.ok() && s.code() != Code::kNotFound)
    IKEVPN_LOG(kCtl, kWarn) << "ikevpnd RemoveConnection " << name << ": " << s.message();
  IKEVPN_LOG(kCtl, kInfo) << name << " torn down";
}

void Plugin::Shutdown() {
  if (state_ == ServiceState::kStarting || state_ == ServiceState::kStarted) Stop();
}

void Plugin::SetState(ServiceState s) {
  if (s == state_) return;
  IKEVPN_LOG(kCtl, kDebug) << "state " << Name(state_) << " -> " << Name(s);
  state_ = s;
  emitStateChanged(static_cast<uint32_t>(s));
  after_send_();
}

void Plugin::ScheduleQuit() {
  loop_.Cancel(quit_timer_);
  quit_timer_ = loop_.Schedule(kQuitAfter, [this] {
    quit_timer_ = kNoTimer;
    if (state_ == ServiceState::kInit || state_ == ServiceState::kStopped) {
      IKEVPN_LOG(kCtl, kInfo) << "idle: exiting";
      quit_();
    }
  });
}

}  // namespace ikevpn::nm
