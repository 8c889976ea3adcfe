// nm-ikevpn-service's side of ikevpnd's D-Bus API (dbus/SPEC.md): the calls
// the plugin makes, as Status-returning functions. sdbus-c++ exceptions are
// caught here and nowhere else in the plugin.
//
// Errors: kAuthFailed for net.ikevpn.Error.AuthFailed (NetworkManager's
// LOGIN_FAILED), kExists for Exists, kNotFound for NotFound,
// kInvalidArgument for InvalidConfig and InvalidArgument, kIoError for
// everything else; the message carries ikevpnd's (or the bus's) message.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sdbus-c++/Types.h>

#include "daemon/base/status.h"
#include "nm/ip_config.h"
#include "nm/vpn_settings.h"

namespace sdbus {
class IConnection;
class IProxy;
}  // namespace sdbus

namespace ikevpn::nm {

class IkevpndClient {
 public:
  using EventFn = std::function<void(const std::string& kind, const std::string& connection,
                                     const VariantMap& details)>;

  // `bus` must outlive this object. `on_event` gets every Event signal.
  IkevpndClient(sdbus::IConnection& bus, EventFn on_event);
  ~IkevpndClient();

  Status AddConnection(const std::string& name, const StringMap& settings);
  Status RemoveConnection(const std::string& name);
  Status Down(const std::string& name);
  // The interface of every connection ikevpnd knows.
  Result<std::vector<std::string>> Interfaces();
  // Up with wait: `done` runs once, on the bus's dispatch, when the first
  // CHILD_SA is installed or with the error (or after `timeout`).
  void Up(const std::string& name, std::chrono::seconds timeout, std::function<void(Status)> done);
  // The established tunnel of `name`: gateway, interface, virtual IPs and DNS
  // servers (IKE_SA keys virtual_ips/dns, empty if ikevpnd has none) and the
  // covering prefixes of the CHILD_SAs' remote traffic selectors. Addresses
  // and MTU are left for the caller. kNotFound if no CHILD_SA is installed.
  Result<TunnelInfo> Tunnel(const std::string& name, std::vector<Prefix>* virtual_ips);

 private:
  std::unique_ptr<sdbus::IProxy> proxy_;
};

}  // namespace ikevpn::nm
