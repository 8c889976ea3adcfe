// Rtnl: sending rtnetlink requests and reading links, addresses and routes.
#include "daemon/ifmgr/rtnl.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/socket.h>

#include "daemon/ifmgr/libnl_ptr.h"

namespace ikevpn::ifmgr {
namespace {

const char* OrEmpty(const char* s) { return s != nullptr ? s : ""; }

LinkEntry ToLinkEntry(rtnl_link* link) {
  LinkEntry e;
  e.ifindex = rtnl_link_get_ifindex(link);
  e.name = OrEmpty(rtnl_link_get_name(link));
  e.kind = OrEmpty(rtnl_link_get_type(link));
  e.alias = OrEmpty(rtnl_link_get_ifalias(link));
  e.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
  e.mtu = rtnl_link_get_mtu(link);
  return e;
}

RouteType ToRouteType(uint8_t type) {
  if (type == RTN_UNICAST) return RouteType::kUnicast;
  if (type == RTN_BLACKHOLE) return RouteType::kBlackhole;
  return RouteType::kOther;
}

}  // namespace

Result<std::unique_ptr<Rtnl>> Rtnl::Open() {
  nl_sock* sock = nl_socket_alloc();
  if (sock == nullptr) return Status(Code::kInternal, "nl_socket_alloc failed");
  int err = nl_connect(sock, NETLINK_ROUTE);
  if (err < 0) {
    nl_socket_free(sock);
    return NlStatus("connecting rtnetlink socket", err);
  }
  return std::unique_ptr<Rtnl>(new Rtnl(sock));
}

Rtnl::~Rtnl() { nl_socket_free(sock_); }

Status Rtnl::Send(NlMsgPtr msg, std::string_view what) {
  int err = nl_send_auto(sock_, msg.get());
  if (err >= 0) err = nl_wait_for_ack(sock_);
  return NlStatus(what, err);
}

Status Rtnl::SendBuilt(Result<NlMsgPtr> msg, std::string_view what) {
  if (!msg.ok()) return msg.status().Annotate(what);
  return Send(std::move(msg).value(), what);
}

Result<std::optional<LinkEntry>> Rtnl::GetLink(const std::string& name) {
  rtnl_link* raw = nullptr;
  int err = rtnl_link_get_kernel(sock_, 0, name.c_str(), &raw);
  LinkPtr link(raw);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return std::optional<LinkEntry>();
  if (err < 0) return NlStatus("looking up link " + name, err);
  return std::optional<LinkEntry>(ToLinkEntry(link.get()));
}

Status Rtnl::SetLinkUp(int ifindex, bool up) {
  return SendBuilt(BuildLinkUpRequest(ifindex, up), up ? "setting link up" : "setting link down");
}

Status Rtnl::SetLinkAlias(int ifindex, std::string_view alias) {
  return SendBuilt(BuildLinkAliasRequest(ifindex, alias), "setting link alias");
}

Status Rtnl::SetLinkMtu(int ifindex, uint32_t mtu) {
  return SendBuilt(BuildLinkMtuRequest(ifindex, mtu), "setting link mtu");
}

Status Rtnl::DeleteLink(int ifindex) {
  return SendBuilt(BuildLinkDeleteRequest(ifindex), "deleting link");
}

Status Rtnl::AddAddress(const AddressEntry& address) {
  return SendBuilt(BuildAddressRequest(address, true),
                   "adding address " + address.address.ToString());
}

Status Rtnl::RemoveAddress(const AddressEntry& address) {
  return SendBuilt(BuildAddressRequest(address, false),
                   "removing address " + address.address.ToString());
}

Status Rtnl::AddRoute(const RouteEntry& route) {
  return SendBuilt(BuildRouteRequest(route, true), "adding route " + ToString(route));
}

Status Rtnl::RemoveRoute(const RouteEntry& route) {
  return SendBuilt(BuildRouteRequest(route, false), "removing route " + ToString(route));
}

Result<std::vector<LinkEntry>> Rtnl::ListLinks() {
  nl_cache* raw = nullptr;
  int err = rtnl_link_alloc_cache(sock_, AF_UNSPEC, &raw);
  if (err < 0) return NlStatus("listing links", err);
  CachePtr cache(raw);
  std::vector<LinkEntry> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    out.push_back(ToLinkEntry(reinterpret_cast<rtnl_link*>(o)));
  }
  return out;
}

Result<std::vector<AddressEntry>> Rtnl::ListAddresses(int ifindex) {
  nl_cache* raw = nullptr;
  int err = rtnl_addr_alloc_cache(sock_, &raw);
  if (err < 0) return NlStatus("listing addresses", err);
  CachePtr cache(raw);
  std::vector<AddressEntry> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(o);
    int index = rtnl_addr_get_ifindex(addr);
    if (ifindex != 0 && index != ifindex) continue;
    auto prefix = FromNlAddr(rtnl_addr_get_local(addr), rtnl_addr_get_family(addr));
    if (!prefix) continue;
    prefix->length = static_cast<uint8_t>(rtnl_addr_get_prefixlen(addr));
    out.push_back({index, *prefix});
  }
  return out;
}

Result<std::vector<RouteEntry>> Rtnl::ListRoutes(int ifindex) {
  nl_cache* raw = nullptr;
  int err = rtnl_route_alloc_cache(sock_, AF_UNSPEC, 0, &raw);
  if (err < 0) return NlStatus("listing routes", err);
  CachePtr cache(raw);
  std::vector<RouteEntry> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    RouteEntry e;
    e.type = ToRouteType(rtnl_route_get_type(r));
    auto dst = FromNlAddr(rtnl_route_get_dst(r), rtnl_route_get_family(r));
    if (!dst) continue;
    e.destination = *dst;
    e.metric = rtnl_route_get_priority(r);
    e.protocol = rtnl_route_get_protocol(r);
    e.table = rtnl_route_get_table(r);
    if (rtnl_route_get_nnexthops(r) == 1) {
      e.ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0));
    }
    if (ifindex != 0 && e.ifindex != ifindex) continue;
    out.push_back(e);
  }
  return out;
}

}  // namespace ikevpn::ifmgr
