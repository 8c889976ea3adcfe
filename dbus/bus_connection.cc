#include "dbus/bus_connection.h"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/Error.h>

namespace ikevpn::dbus {

Result<BusSpec> BusSpec::Parse(std::string_view text) {
  BusSpec spec;
  if (text == "system") {
    spec.kind = Kind::kSystem;
  } else if (text == "session") {
    spec.kind = Kind::kSession;
  } else if (text == "none") {
    spec.kind = Kind::kNone;
  } else if (text.find(':') != std::string_view::npos && text.find('=') != std::string_view::npos) {
    spec.kind = Kind::kAddress;
    spec.address = std::string(text);
  } else {
    return Status(Code::kInvalidArgument,
                  "bad bus '" + std::string(text) +
                      "': use system, session, none or an address like unix:path=/run/bus");
  }
  return spec;
}

std::string BusSpec::Describe() const {
  switch (kind) {
    case Kind::kSystem:
      return "system bus";
    case Kind::kSession:
      return "session bus";
    case Kind::kNone:
      return "no bus";
    case Kind::kAddress:
      return "bus at " + address;
  }
  return "bus";
}

Result<std::unique_ptr<sdbus::IConnection>> OpenBus(const BusSpec& spec) {
  try {
    switch (spec.kind) {
      case BusSpec::Kind::kSystem:
        return sdbus::createSystemBusConnection();
      case BusSpec::Kind::kSession:
        return sdbus::createSessionBusConnection();
      case BusSpec::Kind::kAddress:
        return sdbus::createSessionBusConnectionWithAddress(spec.address);
      case BusSpec::Kind::kNone:
        break;
    }
    return Status(Code::kInvalidArgument, "no bus configured");
  } catch (const sdbus::Error& e) {
    return Status(Code::kIoError, "cannot connect to the " + spec.Describe() + ": " + e.getMessage());
  }
}

}  // namespace ikevpn::dbus
