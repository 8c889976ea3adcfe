// ControlService: ikevpnd's D-Bus service net.ikevpn.Daemon1 (dbus/SPEC.md).
//
//   ControlService service(api, loop, spec);   // spec: BusSpec::Parse("system")
//   IKEVPN_RETURN_IF_ERROR(service.Start());
//
// Start() connects to the bus, exports /net/ikevpn/Daemon1 and one object per
// connection and SA, requests the bus name and hooks the connection into the
// EventLoop (no thread). From then on everything runs on the loop: methods
// call the ControlApi, Up replies when its `done` runs, and ControlApi events
// become signals and object changes. Stop() (or the destructor) answers
// pending calls with an error, removes the objects and releases the name.
//
// Lifetimes: `api` and `loop` must outlive the service.
#pragma once

#include <memory>

#include "daemon/api/control.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/status.h"
#include "dbus/bus_connection.h"

namespace sdbus {
class IConnection;
}

namespace ikevpn::dbus {

class BusLoop;
class ControlBus;
class ControlCore;

class ControlService {
 public:
  ControlService(api::ControlApi& api, EventLoop& loop, BusSpec spec);
  ~ControlService();
  ControlService(const ControlService&) = delete;
  ControlService& operator=(const ControlService&) = delete;

  // With BusSpec kNone this does nothing and returns OK. Errors: kIoError
  // (bus unreachable, name taken: the message says which).
  Status Start();
  void Stop();

  bool running() const { return bus_ != nullptr; }
  // For tests: the connection's unique name (":1.42"); "" when not running.
  std::string unique_name() const;

 private:
  api::ControlApi& api_;
  EventLoop& loop_;
  BusSpec spec_;
  // Destroyed in reverse: objects, then the core (answers pending calls
  // while the connection still exists), then the loop hook, then the bus.
  std::unique_ptr<sdbus::IConnection> bus_;
  std::unique_ptr<BusLoop> bus_loop_;
  std::unique_ptr<ControlCore> core_;
  std::unique_ptr<ControlBus> objects_;
};

}  // namespace ikevpn::dbus
