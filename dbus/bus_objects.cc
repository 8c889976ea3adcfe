#include "dbus/bus_objects.h"

#include <memory>

#include "daemon/base/log.h"
#include "dbus/names.h"

#ifndef IKEVPN_VERSION
#define IKEVPN_VERSION "unknown"
#endif

namespace ikevpn::dbus {
namespace {

// The value an object reports, or NotFound when its SA or connection went
// away before the event that removes the object.
template <typename T>
const T& Require(const T* value, const std::string& what) {
  if (!value) throw sdbus::Error(kErrorNotFound, what + " is gone");
  return *value;
}

}  // namespace

void LogSdbusErrors(const char* what, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const sdbus::Error& e) {
    IKEVPN_LOG(kCtl, kWarn) << "D-Bus " << what << ": " << e.getMessage();
  }
}

sdbus::Error ToSdbusError(const Status& status, ErrorContext context) {
  return sdbus::Error(std::string(ErrorName(status.code(), context)), status.message());
}

void ThrowIfError(const Status& status, ErrorContext context) {
  if (!status.ok()) throw ToSdbusError(status, context);
}

// --- /net/ikevpn/Daemon1 ---

DaemonObject::DaemonObject(sdbus::IConnection& bus, ControlCore& core,
                           std::function<void()> after_send)
    : AdaptorInterfaces(bus, kDaemonPath), core_(core), after_send_(std::move(after_send)) {
  registerAdaptor();
}

DaemonObject::~DaemonObject() {
  LogSdbusErrors("unregister daemon object", [this] { unregisterAdaptor(); });
}

void DaemonObject::Up(sdbus::Result<>&& result, std::string name, bool wait) {
  // sdbus::Result is move-only; std::function needs a copyable callable.
  auto reply = std::make_shared<sdbus::Result<>>(std::move(result));
  core_.Up(name, wait, [reply, after_send = after_send_](Status status) {
    LogSdbusErrors("reply to Up", [&] {
      if (status.ok()) {
        reply->returnResults();
      } else {
        reply->returnError(ToSdbusError(status));
      }
    });
    after_send();
  });
}

void DaemonObject::Down(const std::string& name) { ThrowIfError(core_.Down(name)); }

void DaemonObject::Terminate(const uint64_t& ike_sa_id) { ThrowIfError(core_.Terminate(ike_sa_id)); }

void DaemonObject::Reload() { ThrowIfError(core_.Reload(), ErrorContext::kReload); }

void DaemonObject::AddConnection(const std::string& name,
                                 const std::map<std::string, std::string>& settings) {
  ThrowIfError(ControlCore::CheckName(name));
  // Past the name, kInvalidArgument means the settings are wrong: InvalidConfig.
  ThrowIfError(core_.AddConnection(name, settings), ErrorContext::kReload);
}

void DaemonObject::RemoveConnection(const std::string& name) {
  ThrowIfError(core_.RemoveConnection(name));
}

std::vector<Dict> DaemonObject::ListConnections() {
  std::vector<Dict> out;
  for (const auto& c : core_.Connections()) out.push_back(ToDict(c));
  return out;
}

std::tuple<std::vector<Dict>, std::vector<Dict>> DaemonObject::ListSas() {
  std::vector<Dict> ike;
  std::vector<Dict> child;
  for (const auto& sa : core_.IkeSas()) ike.push_back(ToDict(sa));
  for (const auto& sa : core_.ChildSasWithCounters()) child.push_back(ToDict(sa));
  return {std::move(ike), std::move(child)};
}

sdbus::ObjectPath DaemonObject::GetConnection(const std::string& name) {
  ThrowIfError(core_.CheckConnection(name));
  return sdbus::ObjectPath(ConnectionPath(name));
}

std::string DaemonObject::Version() { return IKEVPN_VERSION; }

// --- /net/ikevpn/Daemon1/connection/<name> ---

ConnectionObject::ConnectionObject(sdbus::IConnection& bus, ControlCore& core, std::string name)
    : AdaptorInterfaces(bus, ConnectionPath(name)), core_(core), name_(std::move(name)) {
  Publish(*this);
}

ConnectionObject::~ConnectionObject() { Withdraw(*this); }

const api::ConnectionInfo& ConnectionObject::Info() {
  return Require(core_.FindConnection(name_), "connection '" + name_ + "'");
}

std::string ConnectionObject::State() { return std::string(ConnectionStateName(Info().state)); }

// --- /net/ikevpn/Daemon1/ike_sa/<id> ---

IkeSaObject::IkeSaObject(sdbus::IConnection& bus, ControlCore& core, uint64_t id)
    : AdaptorInterfaces(bus, IkeSaPath(id)), core_(core), id_(id) {
  Publish(*this);
}

IkeSaObject::~IkeSaObject() { Withdraw(*this); }

const api::IkeSaInfo& IkeSaObject::Info() {
  return Require(core_.FindIkeSa(id_), "IKE_SA " + std::to_string(id_));
}

// --- /net/ikevpn/Daemon1/child_sa/<id> ---

ChildSaObject::ChildSaObject(sdbus::IConnection& bus, ControlCore& core, uint64_t id)
    : AdaptorInterfaces(bus, ChildSaPath(id)), core_(core), id_(id) {
  Publish(*this);
}

ChildSaObject::~ChildSaObject() { Withdraw(*this); }

const api::ChildSaInfo& ChildSaObject::Info() {
  return Require(core_.FindChildSa(id_), "CHILD_SA " + std::to_string(id_));
}

api::SaCounters ChildSaObject::Counters() {
  Result<api::SaCounters> counters = core_.Counters(id_);
  if (!counters.ok()) throw sdbus::Error(kErrorNotFound, "CHILD_SA " + std::to_string(id_) + " is gone");
  return *counters;
}

}  // namespace ikevpn::dbus
