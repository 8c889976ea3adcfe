// Plugin: the object NetworkManager talks to at
// /org/freedesktop/NetworkManager/VPN/Plugin (interface
// org.freedesktop.NetworkManager.VPN.Plugin; the contract NetworkManager 1.42
// follows is in docs/networkmanager.md).
//
//   Connect      -> AddConnection + Up(wait) on ikevpnd; StateChanged(STARTING)
//                   before the reply; once the CHILD_SA is installed: Config,
//                   Ip4Config/Ip6Config, StateChanged(STARTED).
//   failure      -> Failure(LOGIN_FAILED | CONNECT_FAILED | BAD_IP_CONFIG),
//                   StateChanged(STOPPING), Down + RemoveConnection, StateChanged(STOPPED).
//   Disconnect   -> STOPPING, Down + RemoveConnection, STOPPED.
//   the tunnel dies after STARTED -> failure (CONNECT_FAILED).
//   ikevpnd leaves the bus, or its name gets another owner, while STARTING
//   or STARTED -> failure (CONNECT_FAILED) without Down/RemoveConnection:
//   the runtime connection was lost with that ikevpnd (IkevpndPresence).
// One connection per process; `quit` runs a while after the plugin stopped
// (NetworkManager starts it again for the next connection).
//
// Everything runs on the EventLoop that dispatches `bus`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "daemon/base/event_loop.h"
#include "nm/ikevpnd_client.h"
#include "nm/ikevpnd_presence.h"
#include "nm/vpn_settings.h"
#include "nm_plugin_gen/plugin_adaptor.h"

namespace ikevpn::nm {

// NM_VPN_SERVICE_STATE_*
enum class ServiceState : uint32_t {
  kUnknown = 0,
  kInit = 1,
  kShutdown = 2,
  kStarting = 3,
  kStarted = 4,
  kStopping = 5,
  kStopped = 6,
};
// NM_VPN_PLUGIN_FAILURE_*
enum class FailureReason : uint32_t { kLoginFailed = 0, kConnectFailed = 1, kBadIpConfig = 2 };

inline constexpr char kPluginPath[] = "/org/freedesktop/NetworkManager/VPN/Plugin";
inline constexpr char kDefaultBusName[] = "org.freedesktop.NetworkManager.ikevpn";

class Plugin final
    : public sdbus::AdaptorInterfaces<org::freedesktop::NetworkManager::VPN::Plugin_adaptor> {
 public:
  // `after_send` re-arms the bus loop after sending outside a dispatch;
  // `quit` ends the process. `bus` and `loop` must outlive the plugin.
  Plugin(sdbus::IConnection& bus, EventLoop& loop, std::function<void()> after_send,
         std::function<void()> quit);
  ~Plugin();

  // Takes the tunnel down if one is up or coming (SIGTERM).
  void Shutdown();

 private:
  using Settings = std::map<std::string, std::map<std::string, sdbus::Variant>>;

  void Connect(const Settings& connection) override;
  void ConnectInteractive(const Settings& connection, const VariantMap& details) override;
  std::string NeedSecrets(const Settings& settings) override;
  void Disconnect() override;
  void SetConfig(const VariantMap& config) override;
  void SetIp4Config(const VariantMap& config) override;
  void SetIp6Config(const VariantMap& config) override;
  void SetFailure(const std::string& reason) override;
  void NewSecrets(const Settings& connection) override;
  uint32_t State() override { return static_cast<uint32_t>(state_); }

  std::string PickInterface();
  void OnUp(uint64_t attempt, const Status& status);
  void OnEvent(const std::string& kind, const std::string& connection, const VariantMap& details);
  void OnOwnerChanged(const std::string& name, const std::string& new_owner);
  void Fail(FailureReason reason, const std::string& why);
  void Stop();  // STOPPING, tear down, STOPPED
  void TearDown();
  void SetState(ServiceState s);
  void ScheduleQuit();

  EventLoop& loop_;
  std::function<void()> after_send_;
  std::function<void()> quit_;
  IkevpndPresence presence_;  // declared before ikevpnd_, whose signals reach it
  IkevpndClient ikevpnd_;
  ServiceState state_ = ServiceState::kInit;
  std::string name_;  // the ikevpnd connection, "" when none
  PluginSettings settings_;
  uint64_t attempt_ = 0;  // tells a late Up reply from the current one
  TimerId quit_timer_ = kNoTimer;
};

}  // namespace ikevpn::nm
