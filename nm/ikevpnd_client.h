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

// ikevpnd's well-known bus name.
inline constexpr char kIkevpndService[] = "net.ikevpn.Daemon1";

class IkevpndClient {
 public:
  using EventFn = std::function<void(const std::string& kind, const std::string& connection,
                                     const VariantMap& details)>;
  // NameOwnerChanged for kIkevpndService: the name and its new owner ("" = none).
  using OwnerFn = std::function<void(const std::string& name, const std::string& new_owner)>;

  // `bus` must outlive this object. `on_event` gets every Event signal,
  // `on_owner` every change of kIkevpndService's owner.
  IkevpndClient(sdbus::IConnection& bus, EventFn on_event, OwnerFn on_owner);
  ~IkevpndClient();

  // The unique name that owns kIkevpndService now; kNotFound if nobody does.
  Result<std::string> Owner();

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
  std::unique_ptr<sdbus::IProxy> bus_proxy_;  // org.freedesktop.DBus
  sdbus::Slot owner_match_;
};

}  // namespace ikevpn::nm
