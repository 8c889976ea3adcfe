// ControlBus: the sdbus-c++ half of the control service (the "X-bus" of the
// systemd-networkd split). It exports /net/ikevpn/Daemon1 with its
// ObjectManager, turns method calls into ControlCore calls (validate ->
// act -> reply, errors mapped by dbus/errors.h), and as the core's observer
// creates and removes the connection/IKE_SA/CHILD_SA objects and emits the
// signals. sdbus-c++ exceptions stop here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "daemon/base/status.h"
#include "dbus/control_core.h"

namespace sdbus {
class IConnection;
}

namespace ikevpn::dbus {

class DaemonObject;
class ConnectionObject;
class IkeSaObject;
class ChildSaObject;

class ControlBus final : public ControlObserver {
 public:
  // `after_send` runs after anything was sent outside a dispatch round (it
  // should be BusLoop::Rearm). `bus` and `core` must outlive this object.
  ControlBus(sdbus::IConnection& bus, ControlCore& core, std::function<void()> after_send);
  ~ControlBus() override;
  ControlBus(const ControlBus&) = delete;
  ControlBus& operator=(const ControlBus&) = delete;

  // Exports the daemon object. Call before ControlCore::Start.
  Status Export();

  void ConnectionAdded(const std::string& name) override;
  void ConnectionRemoved(const std::string& name) override;
  void ConnectionConfigChanged(const std::string& name) override;
  void ConnectionStateChanged(const std::string& name, api::ConnectionState state,
                              const std::string& reason) override;
  void ConnectionSasChanged(const std::string& name) override;
  void IkeSaAdded(uint64_t id) override;
  void IkeSaRemoved(uint64_t id) override;
  void ChildSaAdded(uint64_t id) override;
  void ChildSaRemoved(uint64_t id) override;
  void EventRaised(const api::Event& event) override;

 private:
  sdbus::IConnection& bus_;
  ControlCore& core_;
  std::function<void()> after_send_;
  std::unique_ptr<DaemonObject> daemon_;
  std::map<std::string, std::unique_ptr<ConnectionObject>> connections_;
  std::map<uint64_t, std::unique_ptr<IkeSaObject>> ike_sas_;
  std::map<uint64_t, std::unique_ptr<ChildSaObject>> child_sas_;
};

}  // namespace ikevpn::dbus
