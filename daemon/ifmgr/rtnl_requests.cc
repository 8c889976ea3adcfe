// Building rtnetlink requests (no socket needed).
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/route/nexthop.h>

#include <sstream>
#include <string>

#include "daemon/ifmgr/libnl_ptr.h"
#include "daemon/ifmgr/rtnl.h"

namespace ikevpn::ifmgr {

void NlMsgFree::operator()(nl_msg* msg) const {
  if (msg != nullptr) nlmsg_free(msg);
}

Status NlStatus(std::string_view what, int nlerr) {
  if (nlerr >= 0) return Status::Ok();
  int e = -nlerr;
  std::string message = std::string(what) + ": " + nl_geterror(e);
  switch (e) {
    case NLE_EXIST:
      return Status(Code::kExists, std::move(message));
    case NLE_OBJ_NOTFOUND:
    case NLE_NOADDR:
    case NLE_NODEV:
      return Status(Code::kNotFound, std::move(message));
    case NLE_OPNOTSUPP:
    case NLE_AF_NOSUPPORT:
    case NLE_MSGTYPE_NOSUPPORT:
      return Status(Code::kUnsupported, std::move(message));
    case NLE_INVAL:
    case NLE_RANGE:
      return Status(Code::kInvalidArgument, std::move(message));
    case NLE_AGAIN:
    case NLE_BUSY:
    case NLE_INTR:
    case NLE_DUMP_INTR:
      return Status(Code::kRetry, std::move(message));
    default:
      return Status(Code::kIoError, std::move(message));
  }
}

std::string ToString(const RouteEntry& route) {
  std::ostringstream out;
  if (route.type == RouteType::kBlackhole) out << "blackhole ";
  out << route.destination.ToString();
  if (route.ifindex != 0) out << " ifindex " << route.ifindex;
  out << " metric " << route.metric;
  return out.str();
}

namespace {

// RTM_NEWLINK for an existing ifindex with the attributes `set` puts into an
// empty link object.
template <typename SetFn>
Result<NlMsgPtr> BuildLinkChange(int ifindex, SetFn set) {
  LinkPtr orig(rtnl_link_alloc());
  LinkPtr changes(rtnl_link_alloc());
  if (!orig || !changes) return Status(Code::kInternal, "out of memory");
  rtnl_link_set_ifindex(orig.get(), ifindex);
  set(changes.get());
  nl_msg* msg = nullptr;
  int err = rtnl_link_build_change_request(orig.get(), changes.get(), 0, &msg);
  if (err < 0) return NlStatus("building link change", err);
  return NlMsgPtr(msg);
}

}  // namespace

Result<NlMsgPtr> BuildLinkUpRequest(int ifindex, bool up) {
  return BuildLinkChange(ifindex, [up](rtnl_link* l) {
    if (up) {
      rtnl_link_set_flags(l, IFF_UP);
    } else {
      rtnl_link_unset_flags(l, IFF_UP);
    }
  });
}

Result<NlMsgPtr> BuildLinkAliasRequest(int ifindex, std::string_view alias) {
  std::string text(alias);
  return BuildLinkChange(ifindex, [&text](rtnl_link* l) { rtnl_link_set_ifalias(l, text.c_str()); });
}

Result<NlMsgPtr> BuildLinkMtuRequest(int ifindex, uint32_t mtu) {
  return BuildLinkChange(ifindex, [mtu](rtnl_link* l) { rtnl_link_set_mtu(l, mtu); });
}

Result<NlMsgPtr> BuildLinkDeleteRequest(int ifindex) {
  LinkPtr link(rtnl_link_alloc());
  if (!link) return Status(Code::kInternal, "out of memory");
  rtnl_link_set_ifindex(link.get(), ifindex);
  nl_msg* msg = nullptr;
  int err = rtnl_link_build_delete_request(link.get(), &msg);
  if (err < 0) return NlStatus("building link delete", err);
  return NlMsgPtr(msg);
}

Result<NlMsgPtr> BuildAddressRequest(const AddressEntry& address, bool add) {
  AddrPtr addr(rtnl_addr_alloc());
  NlAddrPtr local = ToNlAddr(address.address);
  if (!addr || !local) return Status(Code::kInternal, "out of memory");
  rtnl_addr_set_family(addr.get(), address.address.address.af());
  rtnl_addr_set_ifindex(addr.get(), address.ifindex);
  int err = rtnl_addr_set_local(addr.get(), local.get());
  if (err < 0) return NlStatus("building address", err);
  rtnl_addr_set_prefixlen(addr.get(), address.address.length);
  nl_msg* msg = nullptr;
  err = add ? rtnl_addr_build_add_request(addr.get(), NLM_F_EXCL, &msg)
            : rtnl_addr_build_delete_request(addr.get(), 0, &msg);
  if (err < 0) return NlStatus("building address request", err);
  return NlMsgPtr(msg);
}

Result<NlMsgPtr> BuildRouteRequest(const RouteEntry& route, bool add) {
  RoutePtr r(rtnl_route_alloc());
  NlAddrPtr dst = ToNlAddr(route.destination);
  if (!r || !dst) return Status(Code::kInternal, "out of memory");
  rtnl_route_set_family(r.get(), static_cast<uint8_t>(route.destination.address.af()));
  int err = rtnl_route_set_dst(r.get(), dst.get());
  if (err < 0) return NlStatus("building route", err);
  rtnl_route_set_table(r.get(), route.table);
  rtnl_route_set_protocol(r.get(), route.protocol);
  rtnl_route_set_priority(r.get(), route.metric);
  switch (route.type) {
    case RouteType::kUnicast: {
      rtnl_route_set_type(r.get(), RTN_UNICAST);
      rtnl_route_set_scope(r.get(), RT_SCOPE_LINK);
      rtnl_nexthop* nh = rtnl_route_nh_alloc();
      if (nh == nullptr) return Status(Code::kInternal, "out of memory");
      rtnl_route_nh_set_ifindex(nh, route.ifindex);
      rtnl_route_add_nexthop(r.get(), nh);  // the route owns nh now
      break;
    }
    case RouteType::kBlackhole:
      rtnl_route_set_type(r.get(), RTN_BLACKHOLE);
      rtnl_route_set_scope(r.get(), RT_SCOPE_UNIVERSE);
      break;
    case RouteType::kOther:
      return Status(Code::kInvalidArgument, "cannot build a route of unknown type");
  }
  nl_msg* msg = nullptr;
  err = add ? rtnl_route_build_add_request(r.get(), NLM_F_EXCL, &msg)
            : rtnl_route_build_del_request(r.get(), 0, &msg);
  if (err < 0) return NlStatus("building route request", err);
  return NlMsgPtr(msg);
}

}  // namespace ikevpn::ifmgr
