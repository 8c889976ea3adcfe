#include "dbus/control_bus.h"

#include "dbus/bus_objects.h"
#include "dbus/names.h"

namespace ikevpn::dbus {
namespace {

// Properties of net.ikevpn.Connection1 that a reload may change (marked
// EmitsChangedSignal=invalidates in the XML).
const std::vector<std::string> kConfigProperties = {
    "LocalAddrs", "RemoteAddrs", "LocalId",      "RemoteId",     "Auth",    "Interface",
    "IfId",       "StartAction", "IkeProposals", "EspProposals", "LocalTs", "RemoteTs"};

template <typename Map, typename Key>
auto* Lookup(Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second.get();
}

}  // namespace

ControlBus::ControlBus(sdbus::IConnection& bus, ControlCore& core, std::function<void()> after_send)
    : bus_(bus), core_(core), after_send_(std::move(after_send)) {}

// Children first, so InterfacesRemoved is still sent through the manager.
ControlBus::~ControlBus() {
  child_sas_.clear();
  ike_sas_.clear();
  connections_.clear();
  daemon_.reset();
}

Status ControlBus::Export() {
  try {
    daemon_ = std::make_unique<DaemonObject>(bus_, core_, after_send_);
  } catch (const sdbus::Error& e) {
    return Status(Code::kIoError, "cannot export " + std::string(kDaemonPath) + ": " + e.getMessage());
  }
  return Status::Ok();
}

void ControlBus::ConnectionAdded(const std::string& name) {
  LogSdbusErrors("add connection object", [&] {
    connections_[name] = std::make_unique<ConnectionObject>(bus_, core_, name);
  });
}

void ControlBus::ConnectionRemoved(const std::string& name) { connections_.erase(name); }

void ControlBus::ConnectionConfigChanged(const std::string& name) {
  if (auto* obj = Lookup(connections_, name)) {
    LogSdbusErrors("PropertiesChanged", [&] { obj->emitPropertiesChangedSignal(kConnectionInterface, kConfigProperties); });
  }
}

void ControlBus::ConnectionStateChanged(const std::string& name, api::ConnectionState state,
                                        const std::string& reason) {
  auto* obj = Lookup(connections_, name);
  if (!obj) return;
  LogSdbusErrors("StateChanged", [&] {
    obj->emitPropertiesChangedSignal(kConnectionInterface, std::vector<std::string>{"State"});
    obj->emitStateChanged(std::string(ConnectionStateName(state)), reason);
  });
}

void ControlBus::ConnectionSasChanged(const std::string& name) {
  if (auto* obj = Lookup(connections_, name)) {
    LogSdbusErrors("PropertiesChanged", [&] {
      obj->emitPropertiesChangedSignal(kConnectionInterface, std::vector<std::string>{"IkeSas", "ChildSas"});
    });
  }
}

void ControlBus::IkeSaAdded(uint64_t id) {
  LogSdbusErrors("add IKE_SA object", [&] { ike_sas_[id] = std::make_unique<IkeSaObject>(bus_, core_, id); });
}

void ControlBus::IkeSaRemoved(uint64_t id) { ike_sas_.erase(id); }

void ControlBus::ChildSaAdded(uint64_t id) {
  LogSdbusErrors("add CHILD_SA object", [&] { child_sas_[id] = std::make_unique<ChildSaObject>(bus_, core_, id); });
}

void ControlBus::ChildSaRemoved(uint64_t id) { child_sas_.erase(id); }

void ControlBus::EventRaised(const api::Event& event) {
  if (daemon_) {
    LogSdbusErrors("Event signal", [&] {
      daemon_->emitEvent(std::string(EventKindName(event.kind)), event.connection, EventDetails(event));
    });
  }
  after_send_();
}

}  // namespace ikevpn::dbus
