#include "daemon/app/daemon.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/app/resolve.h"
#include "daemon/base/log.h"
#include "daemon/config/config_diff.h"
#include "daemon/config/config_parser.h"
#include "daemon/config/connection_settings.h"
#include "daemon/ike/exchange/mobike.h"
#include "dbus/control_service.h"

namespace ikevpn::app {

namespace {

ifmgr::InterfaceSpec SpecFor(const config::Connection& c) {
  ifmgr::InterfaceSpec s;
  s.name = c.interface;
  s.if_id = c.if_id.value_or(0);
  s.addresses = c.interface_addresses;
  if (!c.remote_ts.dynamic) {
    for (const TrafficSelector& t : c.remote_ts.selectors) s.routes.push_back({t.CoveringPrefix(), c.metric});
  }
  s.leak_guard = c.leak_guard;
  return s;
}

// The state directory is created on demand (0700: state names peers).
std::string StateDir(const DaemonOptions& o, const config::GlobalSettings& g) {
  std::string dir = o.state_dir.empty() ? g.state_dir : o.state_dir;
  if (mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST)
    IKEVPN_LOG(kDaemon, kError) << "state directory " << dir << ": " << strerror(errno);
  return dir;
}

void LogDiagnostics(const config::Diagnostics& d) {
  for (const auto& w : d.warnings) IKEVPN_LOG(kCfg, kWarn) << w.ToString();
  for (const auto& e : d.errors) IKEVPN_LOG(kCfg, kError) << e.ToString();
}

std::string ErrorText(const config::Diagnostics& d) {
  std::string s;
  for (const auto& e : d.errors) s += (s.empty() ? "" : "\n") + e.ToString();
  return s;
}

}  // namespace

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)), loop_(clock_) {}

Daemon::~Daemon() {
  Shutdown();
  if (signal_fd_ >= 0) close(signal_fd_);
}

Status Daemon::Start() {
  config::ParseOutcome parsed = config::LoadConfig(options_.config);
  LogDiagnostics(parsed.diags);
  if (!parsed.ok()) return Status(Code::kInvalidArgument, ErrorText(parsed.diags));
  std::string error;
  const std::string& level = options_.log_level.empty() ? parsed.config.global.log_level : options_.log_level;
  if (!Log::Configure(level, &error)) return Status(Code::kInvalidArgument, "--log-level: " + error);

  IKEVPN_RETURN_IF_ERROR(loop_.Init());
  IKEVPN_ASSIGN_OR_RETURN(backend_, CreateBackend(options_.backend, loop_, rng_));
  IKEVPN_LOG(kDaemon, kInfo) << "ikevpnd " IKEVPN_VERSION " starting, backend " << backend_.description;
  if (Status s = backend_.kernel->FlushOwned(); !s.ok())
    IKEVPN_LOG(kKnl, kWarn) << "cleaning up a previous run's SAs: " << s.ToString();
  if (Status s = backend_.interfaces->CleanupLeftovers(); !s.ok())
    IKEVPN_LOG(kIf, kWarn) << "cleaning up a previous run's interfaces: " << s.ToString();

  const config::GlobalSettings& g = parsed.config.global;
  sockets_ = std::make_unique<net::IkeSockets>(
      loop_, *backend_.kernel, [this](ByteSpan m, const Endpoint& local, const Endpoint& remote) {
        if (engine_) engine_->OnDatagram(m, local, remote);
      });
  net::IkeSocketOptions so;
  so.port = g.port;
  so.nat_port = g.port_nat_t;
  IKEVPN_RETURN_IF_ERROR(sockets_->Open(so));

  ike::EngineSettings es;
  es.port = g.port;
  es.nat_port = g.port_nat_t;
  es.retransmit_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(g.retransmit_timeout);
  es.retransmit_tries = static_cast<int>(g.retransmit_tries);
  es.retransmit_base = g.retransmit_base;
  es.retransmit_jitter = g.retransmit_jitter / 100.0;
  es.half_open_limit = g.half_open_limit;
  es.cookie_threshold = g.cookie_threshold;
  es.force_encap = backend_.needs_udp_encap;
  engine_ = std::make_unique<ike::Engine>(ike::EngineEnv{
      clock_, loop_, rng_, *backend_.kernel, *backend_.interfaces, *sockets_, secrets_, credentials_,
      [this](const api::Event& e) { Publish(e); }, es,
      [this](const ike::PeerSighting& p) {
        if (inertia_) inertia_->OnPeerSeen(p);
      }});
  backend_.kernel->SetListener(engine_.get());
  const std::string state_dir = StateDir(options_, parsed.config.global);
  inertia_ = std::make_unique<InertiaService>(*engine_, clock_, loop_, state_dir);
  // A compaction of a big state file must not stall the loop.
  inertia_->CompactOffLoop([this](std::function<void()> fn) { loop_.Post(std::move(fn)); });
  addresses_ = std::make_unique<net::AddressMonitor>(loop_, [this] {
    if (engine_) ike::OnLocalAddressesChanged(*engine_);
  });
  if (Status s = addresses_->Start(); !s.ok())
    IKEVPN_LOG(kNet, kWarn) << "not watching address changes (MOBIKE cannot follow them): " << s.ToString();
  leases_ = std::make_unique<pool::LeaseRegistry>(state_dir + "/leases.txt");
  (void)leases_->Load();  // a corrupt file is logged and means no leases
  engine_->set_leases(leases_.get());
  IKEVPN_RETURN_IF_ERROR(ApplyConfig(std::move(parsed.config), /*initial=*/true));
  // After the connections (start-action = start ones are on their way):
  // back to the peers we served before the restart.
  inertia_->Start();

  IKEVPN_ASSIGN_OR_RETURN(dbus::BusSpec spec, dbus::BusSpec::Parse(options_.bus));
  bus_ = std::make_unique<dbus::ControlService>(*this, loop_, spec);
  IKEVPN_RETURN_IF_ERROR(bus_->Start());
  IKEVPN_RETURN_IF_ERROR(SetupSignals());
  sd_notify(0, "READY=1");
  IKEVPN_LOG(kDaemon, kInfo) << "ready: " << config_.connections.size() << " connection(s) from " << options_.config
                             << ", control on " << spec.Describe();
  return Status::Ok();
}

Status Daemon::ApplyConfig(config::Config next, bool initial) {
  // Hostnames are resolved here (blocking, at start and reload only).
  std::vector<std::shared_ptr<const config::Connection>> conns;
  for (const config::Connection& c : next.connections) {
    auto resolved = ResolveRemote(c);
    if (!resolved.ok()) {
      IKEVPN_LOG(kCfg, kWarn) << "connection " << c.name << ": " << resolved.status().message();
      conns.push_back(std::make_shared<const config::Connection>(c));
      continue;
    }
    conns.push_back(std::make_shared<const config::Connection>(std::move(resolved).value()));
  }
  config::Config old = initial ? config::Config{} : std::move(config_);
  secrets_.Set(std::make_shared<const config::Secrets>(next.secrets));
  credentials_.Load(next.connections);
  config_ = std::move(next);
  leases_->Configure(conns);
  // The SAs of removed and changed connections go first (their CHILD_SAs
  // are uninstalled at once), then the interfaces they used: releasing or
  // recreating an interface under an installed CHILD_SA would leave the
  // SA's removal to count against the new interface.
  engine_->SetConnections(std::move(conns));
  SyncInterfaces(old, config_);
  // Traps count on their interfaces (up while armed): after SyncInterfaces.
  engine_->ArmTraps();
  return Status::Ok();
}

void Daemon::SyncInterfaces(const config::Config& old_config, const config::Config& new_config) {
  config::ConfigDiff diff = config::DiffConfigs(old_config, new_config);
  auto release = [&](const std::string& name) {
    if (const config::Connection* c = old_config.Find(name); c && !c->interface.empty())
      backend_.interfaces->Release(c->interface);
  };
  auto acquire = [&](const std::string& name) {
    const config::Connection* c = new_config.Find(name);
    if (!c || c->interface.empty() || !c->if_id) return;
    if (Status s = backend_.interfaces->Acquire(SpecFor(*c)); !s.ok())
      IKEVPN_LOG(kIf, kError) << "connection " << name << ": interface " << c->interface << ": " << s.ToString();
  };
  for (const std::string& n : diff.removed) release(n);
  for (const std::string& n : diff.changed) release(n);
  for (const std::string& n : diff.changed) acquire(n);
  for (const std::string& n : diff.added) acquire(n);
}

Status Daemon::Reload() {
  IKEVPN_LOG(kCfg, kInfo) << "reloading " << options_.config;
  sd_notify(0, "RELOADING=1");
  config::ParseOutcome parsed = config::LoadConfig(options_.config);
  LogDiagnostics(parsed.diags);
  sd_notify(0, "READY=1");
  Status merged = parsed.ok() ? config::MergeRuntimeConnections(runtime_, parsed.config)
                              : Status(Code::kInvalidArgument, ErrorText(parsed.diags));
  if (!parsed.ok() || !merged.ok()) {
    if (!merged.ok() && parsed.ok()) IKEVPN_LOG(kCfg, kError) << merged.message();
    IKEVPN_LOG(kCfg, kError) << "reload rejected, keeping the running configuration";
    return merged;
  }
  // The configured log level follows the file unless --log-level overrides it.
  if (options_.log_level.empty() && parsed.config.global.log_level != config_.global.log_level) {
    // From the defaults, as at start: a subsystem the new spec leaves out
    // goes back to info.
    std::string error;
    Log::SetAllLevels(LogLevel::kInfo);
    if (Log::Configure(parsed.config.global.log_level, &error)) {
      IKEVPN_LOG(kCfg, kInfo) << "log level now " << parsed.config.global.log_level;
    } else {
      IKEVPN_LOG(kCfg, kError) << "log-level: " << error;
    }
  }
  IKEVPN_RETURN_IF_ERROR(ApplyConfig(std::move(parsed.config), /*initial=*/false));
  Publish({api::EventKind::kReloaded, ""});
  IKEVPN_LOG(kCfg, kInfo) << "reload done: " << config_.connections.size() << " connection(s)";
  return Status::Ok();
}

Status Daemon::SetupSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return ErrnoStatus("sigprocmask", errno);
  signal(SIGPIPE, SIG_IGN);
  signal_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return ErrnoStatus("signalfd", errno);
  return loop_.AddFd(signal_fd_, EPOLLIN, [this](uint32_t) { OnSignal(); });
}

void Daemon::OnSignal() {
  signalfd_siginfo si;
  while (read(signal_fd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
    switch (si.ssi_signo) {
      case SIGHUP:
        (void)Reload();
        break;
      case SIGTERM:
      case SIGINT:
        IKEVPN_LOG(kDaemon, kInfo) << "signal " << strsignal(static_cast<int>(si.ssi_signo)) << ": shutting down";
        loop_.Stop();
        break;
      default:
        break;
    }
  }
}

int Daemon::Run() {
  Status s = loop_.Run();
  Shutdown();
  if (!s.ok()) {
    IKEVPN_LOG(kDaemon, kError) << s.ToString();
    return 1;
  }
  return 0;
}

void Daemon::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  sd_notify(0, "STOPPING=1");
  if (bus_) bus_->Stop();
  addresses_.reset();
  if (inertia_) inertia_->Stop();
  if (engine_) engine_->DeleteAll();
  engine_.reset();
  inertia_.reset();
  if (sockets_) sockets_->Close();
  if (backend_.interfaces) backend_.interfaces->ReleaseAll();
  if (backend_.kernel) {
    if (Status s = backend_.kernel->FlushOwned(); !s.ok()) IKEVPN_LOG(kKnl, kWarn) << "flush: " << s.ToString();
  }
  IKEVPN_LOG(kDaemon, kInfo) << "stopped";
}

void Daemon::Publish(const api::Event& e) {
  // Copy: a subscriber may unsubscribe from inside its callback.
  if (inertia_) inertia_->OnEvent(e);
  auto subs = subscribers_;
  for (auto& [token, fn] : subs) fn(e);
}

}  // namespace ikevpn::app
