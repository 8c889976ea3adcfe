// Rtnl: rtnetlink over libnl-route-3. Requests are built by the Build*
// functions (unit-tested without root) and sent by Rtnl::Send, which waits
// for the kernel's ack. One socket, bound to the network namespace the
// caller was in when Open() ran.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/status.h"
#include "daemon/ifmgr/rtnl_ops.h"

struct nl_msg;
struct nl_sock;
struct nl_addr;

namespace ikevpn::ifmgr {

struct NlMsgFree {
  void operator()(nl_msg* msg) const;
};
using NlMsgPtr = std::unique_ptr<nl_msg, NlMsgFree>;

// Maps a negative libnl error code to a Status ("what: <libnl text>").
Status NlStatus(std::string_view what, int nlerr);

// RTM_NEWLINK changing the flags of an existing link (ifi_change = IFF_UP).
Result<NlMsgPtr> BuildLinkUpRequest(int ifindex, bool up);
// RTM_NEWLINK setting IFLA_IFALIAS.
Result<NlMsgPtr> BuildLinkAliasRequest(int ifindex, std::string_view alias);
// RTM_NEWLINK setting IFLA_MTU.
Result<NlMsgPtr> BuildLinkMtuRequest(int ifindex, uint32_t mtu);
Result<NlMsgPtr> BuildLinkDeleteRequest(int ifindex);
// RTM_NEWADDR (NLM_F_CREATE|NLM_F_EXCL) / RTM_DELADDR.
Result<NlMsgPtr> BuildAddressRequest(const AddressEntry& address, bool add);
// RTM_NEWROUTE (NLM_F_CREATE|NLM_F_EXCL) / RTM_DELROUTE. A unicast route
// gets scope link and RTA_OIF; a blackhole has no device.
Result<NlMsgPtr> BuildRouteRequest(const RouteEntry& route, bool add);

class Rtnl final : public RtnlOps {
 public:
  static Result<std::unique_ptr<Rtnl>> Open();
  ~Rtnl() override;
  Rtnl(const Rtnl&) = delete;
  Rtnl& operator=(const Rtnl&) = delete;

  // Sends one request and waits for its ack. `what` names it in errors.
  Status Send(NlMsgPtr msg, std::string_view what);
  // The link called `name`, or nullopt if there is none.
  Result<std::optional<LinkEntry>> GetLink(const std::string& name);
  nl_sock* sock() { return sock_; }

  Status SetLinkUp(int ifindex, bool up) override;
  Status SetLinkAlias(int ifindex, std::string_view alias) override;
  Status SetLinkMtu(int ifindex, uint32_t mtu) override;
  Status DeleteLink(int ifindex) override;
  Status AddAddress(const AddressEntry& address) override;
  Status RemoveAddress(const AddressEntry& address) override;
  Status AddRoute(const RouteEntry& route) override;
  Status RemoveRoute(const RouteEntry& route) override;
  Result<std::vector<LinkEntry>> ListLinks() override;
  Result<std::vector<AddressEntry>> ListAddresses(int ifindex) override;
  Result<std::vector<RouteEntry>> ListRoutes(int ifindex) override;

 private:
  explicit Rtnl(nl_sock* sock) : sock_(sock) {}
  Status SendBuilt(Result<NlMsgPtr> msg, std::string_view what);

  nl_sock* sock_;
};

}  // namespace ikevpn::ifmgr
