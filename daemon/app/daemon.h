// Daemon: ikevpnd's construction order and lifetime, in one place.
//
//   loop -> backend (kernel + interfaces) -> IKE sockets -> engine -> config
//   -> D-Bus -> signals -> READY
//
// Shutdown (SIGTERM/SIGINT) reverses it: every IKE_SA is deleted with an
// INFORMATIONAL Delete, every SA, policy, interface and route the daemon
// made is removed. SIGHUP reloads the configuration; a configuration with
// errors is rejected as a whole and the running one stays.
//
// The Daemon is also the ControlApi the D-Bus service exposes
// (daemon_control.cc).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/api/control.h"
#include "daemon/app/backend.h"
#include "daemon/app/credentials.h"
#include "daemon/app/inertia_service.h"
#include "daemon/app/options.h"
#include "daemon/app/secret_store.h"
#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/rng.h"
#include "daemon/config/config.h"
#include "daemon/ike/engine.h"
#include "daemon/net/address_monitor.h"
#include "daemon/net/ike_socket.h"
#include "daemon/pool/lease_registry.h"

namespace ikevpn::dbus {
class ControlService;
}

namespace ikevpn::app {

class Daemon final : public api::ControlApi {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Everything up to READY. On error nothing is left installed.
  Status Start();
  // Runs until SIGTERM/SIGINT, then shuts down. Returns the exit status.
  int Run();

  // api::ControlApi (daemon_control.cc)
  std::vector<api::ConnectionInfo> ListConnections() const override;
  std::vector<api::IkeSaInfo> ListIkeSas() const override;
  std::vector<api::ChildSaInfo> ListChildSas() const override;
  Result<api::SaCounters> ChildSaCounters(uint64_t child_sa_id) const override;
  void Up(const std::string& name, std::function<void(Status)> done) override;
  Status Down(const std::string& name) override;
  Status Terminate(uint64_t ike_sa_id) override;
  Status Reload() override;
  Status AddConnection(const std::string& name,
                       const std::map<std::string, std::string>& settings) override;
  Status RemoveConnection(const std::string& name) override;
  uint64_t Subscribe(std::function<void(const api::Event&)> fn) override;
  void Unsubscribe(uint64_t token) override;

 private:
  Status ApplyConfig(config::Config next, bool initial);
  void SyncInterfaces(const config::Config& old_config, const config::Config& new_config);
  Status SetupSignals();
  void OnSignal();
  void Shutdown();
  void Publish(const api::Event& e);

  DaemonOptions options_;
  SystemClock clock_;
  SystemRng rng_;
  EventLoop loop_;
  Backend backend_;
  ConfigSecretStore secrets_;
  FileCredentialStore credentials_;
  std::unique_ptr<net::IkeSockets> sockets_;
  std::unique_ptr<pool::LeaseRegistry> leases_;  // outlives the engine
  std::unique_ptr<ike::Engine> engine_;
  std::unique_ptr<net::AddressMonitor> addresses_;  // MOBIKE: our address changes
  std::unique_ptr<InertiaService> inertia_;
  std::unique_ptr<dbus::ControlService> bus_;
  config::Config config_;  // the file's connections, then runtime_'s
  // Connections added over D-Bus (AddConnection): not in the file, kept
  // across reloads.
  std::vector<config::Connection> runtime_;
  std::map<uint64_t, std::function<void(const api::Event&)>> subscribers_;
  uint64_t next_token_ = 0;
  int signal_fd_ = -1;
  bool stopping_ = false;
};

}  // namespace ikevpn::app
