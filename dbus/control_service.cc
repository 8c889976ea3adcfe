#include "dbus/control_service.h"

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IConnection.h>

#include "daemon/base/log.h"
#include "dbus/bus_loop.h"
#include "dbus/control_bus.h"
#include "dbus/control_core.h"
#include "dbus/names.h"

namespace ikevpn::dbus {

ControlService::ControlService(api::ControlApi& api, EventLoop& loop, BusSpec spec)
    : api_(api), loop_(loop), spec_(std::move(spec)) {}

ControlService::~ControlService() { Stop(); }

Status ControlService::Start() {
  if (spec_.kind == BusSpec::Kind::kNone) {
    IKEVPN_LOG(kCtl, kInfo) << "D-Bus control disabled (bus none)";
    return Status::Ok();
  }
  if (bus_) return Status::Ok();
  IKEVPN_ASSIGN_OR_RETURN(bus_, OpenBus(spec_));
  bus_loop_ = std::make_unique<BusLoop>(*bus_, loop_);
  core_ = std::make_unique<ControlCore>(api_);
  objects_ = std::make_unique<ControlBus>(*bus_, *core_, [this] { bus_loop_->Rearm(); });

  // Objects first, then the name: a client that sees the name finds them.
  Status status = objects_->Export();
  if (status.ok()) {
    core_->Start(*objects_);
    try {
      bus_->requestName(kBusName);
    } catch (const sdbus::Error& e) {
      status = Status(Code::kIoError, "cannot own " + std::string(kBusName) + " on the " +
                                          spec_.Describe() + " (" + e.getMessage() +
                                          "): is another ikevpnd running, or is the policy file "
                                          "net.ikevpn.Daemon1.conf missing from dbus-1/system.d?");
    }
  }
  if (status.ok()) {
    status = bus_loop_->Start([this] { core_->InvalidateSnapshot(); },
                              [](const Status&) {});  // BusLoop logs; the daemon carries on
  }
  if (!status.ok()) {
    Stop();
    return status;
  }
  IKEVPN_LOG(kCtl, kInfo) << "D-Bus: " << kBusName << " on the " << spec_.Describe();
  return Status::Ok();
}

void ControlService::Stop() {
  if (!bus_) return;
  if (core_) core_->Stop();  // answers pending Up calls over the still-open bus
  if (bus_loop_) bus_loop_->Rearm();
  objects_.reset();
  core_.reset();
  if (bus_loop_) bus_loop_->Stop();
  bus_loop_.reset();
  try {
    bus_->releaseName(kBusName);
  } catch (const sdbus::Error& e) {
    IKEVPN_LOG(kCtl, kDebug) << "D-Bus release name: " << e.getMessage();
  }
  bus_.reset();
}

std::string ControlService::unique_name() const {
  if (!bus_) return "";
  try {
    return bus_->getUniqueName();
  } catch (const sdbus::Error&) {
    return "";
  }
}

}  // namespace ikevpn::dbus
