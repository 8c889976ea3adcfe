#include "daemon/ifmgr/netlink_interface_manager.h"

#include "daemon/ifmgr/tun_driver.h"
#include "daemon/ifmgr/xfrmi_driver.h"

namespace ikevpn::ifmgr {

Result<std::unique_ptr<NetlinkInterfaceManager>> NetlinkInterfaceManager::Create(
    NetlinkInterfaceManagerOptions options) {
  IKEVPN_ASSIGN_OR_RETURN(std::unique_ptr<Rtnl> rtnl, Rtnl::Open());
  std::unique_ptr<LinkDriver> driver;
  switch (options.kind) {
    case LinkKind::kXfrm:
      driver = std::make_unique<XfrmiDriver>(*rtnl, options.xfrm_underlying_ifindex);
      break;
    case LinkKind::kTun:
      driver = std::make_unique<TunDriver>(*rtnl, std::move(options.tun_sink));
      break;
  }
  return std::unique_ptr<NetlinkInterfaceManager>(
      new NetlinkInterfaceManager(std::move(rtnl), std::move(driver)));
}

}  // namespace ikevpn::ifmgr
