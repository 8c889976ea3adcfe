// NetlinkInterfaceManager: the InterfaceManager the daemon uses — the state
// logic of ManagedInterfaces over a real rtnetlink socket and a link driver
// (xfrm interfaces or TUN devices).
//
//   auto m = NetlinkInterfaceManager::Create({.kind = LinkKind::kTun,
//                                             .tun_sink = {on_created, on_deleted}});
//   (*m)->CleanupLeftovers();   // at start
//   ...
//   (*m)->ReleaseAll();         // at shutdown
//
// The destructor does not touch the kernel: what ReleaseAll did not remove
// stays behind as after a crash (TUN devices vanish with their fds; xfrm
// interfaces and blackhole routes remain), for the next CleanupLeftovers.
#pragma once

#include <memory>

#include "daemon/ifmgr/link_driver.h"
#include "daemon/ifmgr/managed_interfaces.h"
#include "daemon/ifmgr/rtnl.h"

namespace ikevpn::ifmgr {

enum class LinkKind : uint8_t { kXfrm, kTun };

struct NetlinkInterfaceManagerOptions {
  LinkKind kind = LinkKind::kXfrm;
  int xfrm_underlying_ifindex = 0;  // xfrm: IFLA_XFRM_LINK; 0 for none
  TunDeviceSink tun_sink;           // tun: receives each device's fd
};

class NetlinkInterfaceManager final : public ManagedInterfaces {
 public:
  // Opens the rtnetlink socket in the caller's current network namespace.
  static Result<std::unique_ptr<NetlinkInterfaceManager>> Create(
      NetlinkInterfaceManagerOptions options);

 private:
  NetlinkInterfaceManager(std::unique_ptr<Rtnl> rtnl, std::unique_ptr<LinkDriver> driver)
      : ManagedInterfaces(*driver, *rtnl),
        owned_rtnl_(std::move(rtnl)),
        owned_driver_(std::move(driver)) {}

  // Declared after the base, so destroyed before it; ManagedInterfaces does
  // not use them in its destructor.
  std::unique_ptr<Rtnl> owned_rtnl_;
  std::unique_ptr<LinkDriver> owned_driver_;
};

}  // namespace ikevpn::ifmgr
