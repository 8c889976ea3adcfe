// ikevpnctl's D-Bus client: the generated net.ikevpn.Daemon1 proxy behind
// plain calls that return a Failure instead of throwing. sdbus-c++
// exceptions are caught here and nowhere else in ikevpnctl.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ctl/exit_codes.h"
#include "ctl/values.h"
#include "dbus/bus_connection.h"

namespace sdbus {
class IConnection;
}

namespace ikevpn::ctl {

struct Failure {
  std::string error_name;  // D-Bus error name, or kErrorNoBus
  std::string message;
  ExitCode exit_code() const { return ExitCodeForError(error_name); }
};

class DaemonProxy;

class Client {
 public:
  using EventFn = std::function<void(const std::string& kind, const std::string& connection,
                                     const Dict& details)>;

  // Connects to the bus; every call then times out after `timeout`.
  static std::optional<Failure> Connect(const dbus::BusSpec& bus, std::chrono::microseconds timeout,
                                        std::unique_ptr<Client>* out);
  ~Client();

  std::optional<Failure> ListConnections(std::vector<Dict>* out);
  std::optional<Failure> ListSas(std::vector<Dict>* ike_sas, std::vector<Dict>* child_sas);
  std::optional<Failure> Up(const std::string& name, bool wait);
  std::optional<Failure> Down(const std::string& name);
  std::optional<Failure> Reload();

  // Delivers Event signals to `fn` until `count` arrived (0: no limit) or the
  // daemon leaves the bus (then a Failure). `ready` runs once the
  // subscription is active and the daemon answered.
  std::optional<Failure> Monitor(const EventFn& fn, uint64_t count, const std::function<void()>& ready);

 private:
  Client(std::unique_ptr<sdbus::IConnection> bus, std::unique_ptr<DaemonProxy> proxy);

  std::unique_ptr<sdbus::IConnection> bus_;
  std::unique_ptr<DaemonProxy> proxy_;
};

}  // namespace ikevpn::ctl
