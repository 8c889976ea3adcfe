// rtnetlink request bytes, checked attribute by attribute (no root needed).
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "daemon/ifmgr/rtnl.h"
#include "daemon/ifmgr/xfrmi_driver.h"

namespace ikevpn::ifmgr {
namespace {

Prefix P(const char* text) { return *Prefix::Parse(text); }

// The attributes of a request, indexed by type.
struct Parsed {
  nlmsghdr* hdr = nullptr;
  nlattr* tb[64] = {};
};

Parsed Parse(const NlMsgPtr& msg, size_t family_header_len, int max_attr) {
  Parsed p;
  p.hdr = nlmsg_hdr(msg.get());
  EXPECT_EQ(nlmsg_parse(p.hdr, static_cast<int>(family_header_len), p.tb, max_attr, nullptr), 0);
  return p;
}

// A creating request: `type` with NLM_F_CREATE | NLM_F_EXCL (NLM_F_REQUEST
// and NLM_F_ACK are added when it is sent).
void ExpectCreate(const nlmsghdr* hdr, int type) {
  EXPECT_EQ(hdr->nlmsg_type, type);
  EXPECT_EQ(hdr->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE | NLM_F_EXCL);
}

std::string Bytes(nlattr* a) {
  return std::string(static_cast<const char*>(nla_data(a)), static_cast<size_t>(nla_len(a)));
}

std::string AddrBytes(const char* text) {
  IpAddress address = *IpAddress::Parse(text);
  auto b = address.bytes();
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TEST(XfrmiRequestTest, CarriesNameMtuKindIfIdAndLink) {
  auto msg = BuildXfrmiAddRequest({"ipsec0", 7, 1400}, 3);
  ASSERT_TRUE(msg.ok());
  Parsed p = Parse(*msg, sizeof(ifinfomsg), IFLA_MAX);
  ExpectCreate(p.hdr, RTM_NEWLINK);
  ASSERT_NE(p.tb[IFLA_IFNAME], nullptr);
  EXPECT_STREQ(nla_get_string(p.tb[IFLA_IFNAME]), "ipsec0");
  ASSERT_NE(p.tb[IFLA_MTU], nullptr);
  EXPECT_EQ(nla_get_u32(p.tb[IFLA_MTU]), 1400u);
  ASSERT_NE(p.tb[IFLA_LINKINFO], nullptr);
  nlattr* info[IFLA_INFO_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(info, IFLA_INFO_MAX, p.tb[IFLA_LINKINFO], nullptr), 0);
  ASSERT_NE(info[IFLA_INFO_KIND], nullptr);
  EXPECT_STREQ(nla_get_string(info[IFLA_INFO_KIND]), "xfrm");
  ASSERT_NE(info[IFLA_INFO_DATA], nullptr);
  nlattr* data[IFLA_XFRM_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(data, IFLA_XFRM_MAX, info[IFLA_INFO_DATA], nullptr), 0);
  ASSERT_NE(data[IFLA_XFRM_IF_ID], nullptr);
  EXPECT_EQ(nla_get_u32(data[IFLA_XFRM_IF_ID]), 7u);
  ASSERT_NE(data[IFLA_XFRM_LINK], nullptr);
  EXPECT_EQ(nla_get_u32(data[IFLA_XFRM_LINK]), 3u);
}

TEST(XfrmiRequestTest, UnderlyingDeviceIsOptional) {
  auto msg = BuildXfrmiAddRequest({"ipsec1", 9, 1400}, 0);
  ASSERT_TRUE(msg.ok());
  Parsed p = Parse(*msg, sizeof(ifinfomsg), IFLA_MAX);
  nlattr* info[IFLA_INFO_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(info, IFLA_INFO_MAX, p.tb[IFLA_LINKINFO], nullptr), 0);
  nlattr* data[IFLA_XFRM_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(data, IFLA_XFRM_MAX, info[IFLA_INFO_DATA], nullptr), 0);
  EXPECT_EQ(nla_get_u32(data[IFLA_XFRM_IF_ID]), 9u);
  EXPECT_EQ(data[IFLA_XFRM_LINK], nullptr);
}

TEST(XfrmiRequestTest, IfIdZeroIsRefused) {
  auto msg = BuildXfrmiAddRequest({"ipsec0", 0, 1400}, 0);
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), Code::kInvalidArgument);
}

TEST(LinkRequestTest, UpAndDownChangeOnlyIffUp) {
  for (bool up : {true, false}) {
    auto msg = BuildLinkUpRequest(12, up);
    ASSERT_TRUE(msg.ok());
    nlmsghdr* hdr = nlmsg_hdr(msg->get());
    EXPECT_EQ(hdr->nlmsg_type, RTM_NEWLINK);
    EXPECT_EQ(hdr->nlmsg_flags & NLM_F_CREATE, 0);
    auto* ifi = static_cast<ifinfomsg*>(nlmsg_data(hdr));
    EXPECT_EQ(ifi->ifi_index, 12);
    EXPECT_EQ(ifi->ifi_change, static_cast<unsigned>(IFF_UP));
    EXPECT_EQ(ifi->ifi_flags, up ? static_cast<unsigned>(IFF_UP) : 0u);
  }
}

TEST(LinkRequestTest, AliasMtuAndDelete) {
  auto alias = BuildLinkAliasRequest(5, kOwnerAlias);
  ASSERT_TRUE(alias.ok());
  Parsed p = Parse(*alias, sizeof(ifinfomsg), IFLA_MAX);
  ASSERT_NE(p.tb[IFLA_IFALIAS], nullptr);
  EXPECT_STREQ(nla_get_string(p.tb[IFLA_IFALIAS]), "ikevpn");

  auto mtu = BuildLinkMtuRequest(5, 1380);
  ASSERT_TRUE(mtu.ok());
  Parsed m = Parse(*mtu, sizeof(ifinfomsg), IFLA_MAX);
  ASSERT_NE(m.tb[IFLA_MTU], nullptr);
  EXPECT_EQ(nla_get_u32(m.tb[IFLA_MTU]), 1380u);

  auto del = BuildLinkDeleteRequest(5);
  ASSERT_TRUE(del.ok());
  nlmsghdr* hdr = nlmsg_hdr(del->get());
  EXPECT_EQ(hdr->nlmsg_type, RTM_DELLINK);
  EXPECT_EQ(static_cast<ifinfomsg*>(nlmsg_data(hdr))->ifi_index, 5);
}

TEST(AddressRequestTest, Ipv4AndIpv6) {
  auto v4 = BuildAddressRequest({4, P("10.0.0.1/24")}, true);
  ASSERT_TRUE(v4.ok());
  Parsed p = Parse(*v4, sizeof(ifaddrmsg), IFA_MAX);
  ExpectCreate(p.hdr, RTM_NEWADDR);
  auto* ifa = static_cast<ifaddrmsg*>(nlmsg_data(p.hdr));
  EXPECT_EQ(ifa->ifa_family, AF_INET);
  EXPECT_EQ(ifa->ifa_prefixlen, 24);
  EXPECT_EQ(ifa->ifa_index, 4u);
  ASSERT_NE(p.tb[IFA_LOCAL], nullptr);
  EXPECT_EQ(Bytes(p.tb[IFA_LOCAL]), AddrBytes("10.0.0.1"));

  auto v6 = BuildAddressRequest({4, P("fd00::1/64")}, false);
  ASSERT_TRUE(v6.ok());
  Parsed q = Parse(*v6, sizeof(ifaddrmsg), IFA_MAX);
  EXPECT_EQ(q.hdr->nlmsg_type, RTM_DELADDR);
  auto* ifa6 = static_cast<ifaddrmsg*>(nlmsg_data(q.hdr));
  EXPECT_EQ(ifa6->ifa_family, AF_INET6);
  EXPECT_EQ(ifa6->ifa_prefixlen, 64);
  ASSERT_NE(q.tb[IFA_LOCAL], nullptr);
  EXPECT_EQ(Bytes(q.tb[IFA_LOCAL]), AddrBytes("fd00::1"));
}

TEST(RouteRequestTest, BlackholeLeakGuard) {
  RouteEntry guard{RouteType::kBlackhole, P("10.9.0.0/24"), 4096, 0};
  auto msg = BuildRouteRequest(guard, true);
  ASSERT_TRUE(msg.ok());
  Parsed p = Parse(*msg, sizeof(rtmsg), RTA_MAX);
  ExpectCreate(p.hdr, RTM_NEWROUTE);
  auto* rtm = static_cast<rtmsg*>(nlmsg_data(p.hdr));
  EXPECT_EQ(rtm->rtm_family, AF_INET);
  EXPECT_EQ(rtm->rtm_type, RTN_BLACKHOLE);
  EXPECT_EQ(rtm->rtm_protocol, kRouteProtocol);
  EXPECT_EQ(rtm->rtm_protocol, 73);
  EXPECT_EQ(rtm->rtm_dst_len, 24);
  EXPECT_EQ(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
  EXPECT_EQ(rtm->rtm_table, RT_TABLE_MAIN);
  ASSERT_NE(p.tb[RTA_DST], nullptr);
  EXPECT_EQ(Bytes(p.tb[RTA_DST]), AddrBytes("10.9.0.0"));
  ASSERT_NE(p.tb[RTA_PRIORITY], nullptr);
  EXPECT_EQ(nla_get_u32(p.tb[RTA_PRIORITY]), 4096u);
  EXPECT_EQ(p.tb[RTA_OIF], nullptr);
}

TEST(RouteRequestTest, Ipv6UnicastThroughDevice) {
  RouteEntry route{RouteType::kUnicast, P("fd09::/64"), 100, 7};
  auto msg = BuildRouteRequest(route, true);
  ASSERT_TRUE(msg.ok());
  Parsed p = Parse(*msg, sizeof(rtmsg), RTA_MAX);
  auto* rtm = static_cast<rtmsg*>(nlmsg_data(p.hdr));
  EXPECT_EQ(rtm->rtm_family, AF_INET6);
  EXPECT_EQ(rtm->rtm_type, RTN_UNICAST);
  EXPECT_EQ(rtm->rtm_scope, RT_SCOPE_LINK);
  EXPECT_EQ(rtm->rtm_dst_len, 64);
  ASSERT_NE(p.tb[RTA_OIF], nullptr);
  EXPECT_EQ(nla_get_u32(p.tb[RTA_OIF]), 7u);
  EXPECT_EQ(nla_get_u32(p.tb[RTA_PRIORITY]), 100u);
  EXPECT_EQ(Bytes(p.tb[RTA_DST]), AddrBytes("fd09::"));

  auto del = BuildRouteRequest(route, false);
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(nlmsg_hdr(del->get())->nlmsg_type, RTM_DELROUTE);
}

TEST(NlStatusTest, MapsLibnlErrorsToWhatHappensNext) {
  EXPECT_TRUE(NlStatus("x", 0).ok());
  EXPECT_EQ(NlStatus("x", -NLE_EXIST).code(), Code::kExists);
  EXPECT_EQ(NlStatus("x", -NLE_OBJ_NOTFOUND).code(), Code::kNotFound);
  EXPECT_EQ(NlStatus("x", -NLE_OPNOTSUPP).code(), Code::kUnsupported);
  EXPECT_EQ(NlStatus("x", -NLE_BUSY).code(), Code::kRetry);
  EXPECT_EQ(NlStatus("x", -NLE_PERM).code(), Code::kIoError);
  EXPECT_EQ(NlStatus("adding route", -NLE_EXIST).message().rfind("adding route: ", 0), 0u);
}

}  // namespace
}  // namespace ikevpn::ifmgr
