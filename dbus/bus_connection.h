// Which D-Bus bus to use ("system", "session", "none" or an address such as
// "unix:path=/run/x") and opening a connection to it. Used by ikevpnd's
// ControlService and by ikevpnctl.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "daemon/base/status.h"

namespace sdbus {
class IConnection;
}

namespace ikevpn::dbus {

struct BusSpec {
  enum class Kind : uint8_t { kSystem, kSession, kNone, kAddress };
  Kind kind = Kind::kSystem;
  std::string address;  // for kAddress

  // "system", "session", "none", or a D-Bus address (it contains ':' or '=').
  static Result<BusSpec> Parse(std::string_view text);
  // "system bus", "session bus", "bus at unix:path=/x", "no bus".
  std::string Describe() const;
};

// Opens a bus connection (Hello done, no name requested). kNone is
// kInvalidArgument; a bus that cannot be reached is kIoError with the reason.
Result<std::unique_ptr<sdbus::IConnection>> OpenBus(const BusSpec& spec);

}  // namespace ikevpn::dbus
