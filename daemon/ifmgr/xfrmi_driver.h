// XfrmiDriver: ipsecN as xfrm interfaces (`ip link add ipsec0 type xfrm
// if_id 7 [dev eth0]`), for the kernel backend. Needs CONFIG_XFRM_INTERFACE.
#pragma once

#include "daemon/ifmgr/link_driver.h"
#include "daemon/ifmgr/rtnl.h"

namespace ikevpn::ifmgr {

// RTM_NEWLINK (NLM_F_CREATE|NLM_F_EXCL) for an xfrm interface: IFLA_IFNAME,
// IFLA_MTU, IFLA_LINKINFO { kind "xfrm", data { IFLA_XFRM_IF_ID,
// IFLA_XFRM_LINK if underlying_ifindex != 0 } }. kInvalidArgument for if_id 0.
Result<NlMsgPtr> BuildXfrmiAddRequest(const LinkRequest& request, int underlying_ifindex);

class XfrmiDriver final : public LinkDriver {
 public:
  // `rtnl` must outlive the driver. underlying_ifindex 0: no lower device.
  explicit XfrmiDriver(Rtnl& rtnl, int underlying_ifindex = 0)
      : rtnl_(rtnl), underlying_ifindex_(underlying_ifindex) {}

  std::string_view kind() const override { return "xfrm"; }
  Result<int> Create(const LinkRequest& request) override;
  Result<std::optional<LinkEntry>> Find(const std::string& name) override;
  Status Adopt(const LinkRequest& request, const LinkEntry& link) override;
  Status Delete(const LinkRequest& request, int ifindex) override;
  void Forget(const LinkRequest&, int) override {}

 private:
  Rtnl& rtnl_;
  int underlying_ifindex_;
};

// Probe for the backend choice: creates and deletes a throwaway xfrm
// interface in the current network namespace (needs CAP_NET_ADMIN).
bool KernelSupportsXfrmInterfaces();

}  // namespace ikevpn::ifmgr
