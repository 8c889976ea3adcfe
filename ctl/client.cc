#include "ctl/client.h"

#include <ikevpn_dbus_gen/daemon1_proxy.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "dbus/names.h"

namespace ikevpn::ctl {

class DaemonProxy final : public sdbus::ProxyInterfaces<net::ikevpn::Daemon1_proxy> {
 public:
  explicit DaemonProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, dbus::kBusName, dbus::kDaemonPath) {
    registerProxy();
  }
  ~DaemonProxy() { unregisterProxy(); }

  void Ping() { getProxy().callMethod("Ping").onInterface("org.freedesktop.DBus.Peer"); }

  Client::EventFn on_event;

 private:
  void onEvent(const std::string& kind, const std::string& connection, const Dict& details) override {
    if (on_event) on_event(kind, connection, details);
  }
};

namespace {

// sd-bus reports a call timeout either as a named error or as a bare
// ETIMEDOUT that sdbus-c++ wraps in its own error name.
Failure ToFailure(const sdbus::Error& e) {
  if (e.getMessage().find(std::strerror(ETIMEDOUT)) != std::string::npos) {
    return {"org.freedesktop.DBus.Error.Timeout", e.getMessage()};
  }
  return {e.getName(), e.getMessage()};
}

template <typename Fn>
std::optional<Failure> Call(Fn&& fn) {
  try {
    fn();
  } catch (const sdbus::Error& e) {
    return ToFailure(e);
  }
  return std::nullopt;
}

}  // namespace

Client::Client(std::unique_ptr<sdbus::IConnection> bus, std::unique_ptr<DaemonProxy> proxy)
    : bus_(std::move(bus)), proxy_(std::move(proxy)) {}

Client::~Client() {
  proxy_.reset();
  bus_.reset();
}

std::optional<Failure> Client::Connect(const dbus::BusSpec& spec, std::chrono::microseconds timeout,
                                       std::unique_ptr<Client>* out) {
  auto bus = dbus::OpenBus(spec);
  if (!bus.ok()) return Failure{kErrorNoBus, bus.status().message()};
  std::unique_ptr<sdbus::IConnection> conn = std::move(bus).value();
  std::unique_ptr<DaemonProxy> proxy;
  if (auto f = Call([&] {
        conn->setMethodCallTimeout(timeout);
        proxy = std::make_unique<DaemonProxy>(*conn);
      })) {
    return f;
  }
  out->reset(new Client(std::move(conn), std::move(proxy)));
  return std::nullopt;
}

std::optional<Failure> Client::ListConnections(std::vector<Dict>* out) {
  return Call([&] { *out = proxy_->ListConnections(); });
}

std::optional<Failure> Client::ListSas(std::vector<Dict>* ike_sas, std::vector<Dict>* child_sas) {
  return Call([&] { std::tie(*ike_sas, *child_sas) = proxy_->ListSas(); });
}

std::optional<Failure> Client::Up(const std::string& name, bool wait) {
  return Call([&] { proxy_->Up(name, wait); });
}

std::optional<Failure> Client::Down(const std::string& name) {
  return Call([&] { proxy_->Down(name); });
}

std::optional<Failure> Client::Reload() {
  return Call([&] { proxy_->Reload(); });
}

std::optional<Failure> Client::Monitor(const EventFn& fn, uint64_t count,
                                       const std::function<void()>& ready) {
  uint64_t seen = 0;
  bool daemon_gone = false;
  proxy_->on_event = [&](const std::string& kind, const std::string& conn, const Dict& details) {
    if (count != 0 && seen >= count) return;
    ++seen;
    fn(kind, conn, details);
  };
  std::string match = "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                      "member='NameOwnerChanged',arg0='" + std::string(dbus::kBusName) + "'";
  sdbus::Slot owner_watch;
  if (auto f = Call([&] {
        owner_watch = bus_->addMatch(match, [&](sdbus::Message& msg) {
          std::string name, old_owner, new_owner;
          msg >> name >> old_owner >> new_owner;
          if (new_owner.empty()) daemon_gone = true;
        });
        proxy_->Ping();  // fails now if ikevpnd is not there or we may not talk to it
      })) {
    return f;
  }
  ready();
  while (!daemon_gone && (count == 0 || seen < count)) {
    bool processed = false;
    if (auto f = Call([&] { processed = bus_->processPendingRequest(); })) return f;
    if (processed) continue;
    sdbus::IConnection::PollData data;
    if (auto f = Call([&] { data = bus_->getEventLoopPollData(); })) return f;
    pollfd p{data.fd, data.events, 0};
    if (poll(&p, 1, data.getPollTimeout()) < 0 && errno != EINTR) {
      return Failure{kErrorNoBus, std::string("poll: ") + std::strerror(errno)};
    }
  }
  if (daemon_gone) return Failure{"org.freedesktop.DBus.Error.NameHasNoOwner", "ikevpnd left the bus"};
  return std::nullopt;
}

}  // namespace ikevpn::ctl
