// XFRM_MSG_NEWPOLICY / UPDPOLICY / DELPOLICY bytes, the dump parser, the
// route-based policy set and the per-socket bypass policy.
#include "daemon/kernel/xfrm/xfrm_policy_messages.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/xfrm.h>

#include "daemon/kernel/xfrm/ike_socket_options.h"
#include "tests/unit/xfrm/xfrm_test_util.h"

namespace ikevpn::kernel::xfrm {
namespace {

using testing::ReadBuilt;

IpAddress A(const char* s) { return *IpAddress::Parse(s); }

PolicyId AllV4(PolicyDir dir, uint32_t if_id) {
  PolicyId id;
  id.src = id.dst = TrafficSelector::All(IpAddress::Family::kV4);
  id.dir = dir;
  id.if_id = if_id;
  return id;
}

PolicyData Tunnel(const char* src, const char* dst) {
  PolicyData d;
  d.priority = 1000;
  d.reqid = 42;
  d.tmpl_src = A(src);
  d.tmpl_dst = A(dst);
  return d;
}

TEST(BuildAddPolicy, RouteBasedOutPolicyWithIfIdAndTemplate) {
  auto m = BuildAddPolicy(AllV4(PolicyDir::kOut, 0x10007), Tunnel("192.0.2.1", "198.51.100.2"),
                          false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  xfrm_userpolicy_info p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_NEWPOLICY);
  EXPECT_EQ(b.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(p.sel.family, AF_INET);
  EXPECT_EQ(p.sel.prefixlen_s, 0);
  EXPECT_EQ(p.sel.prefixlen_d, 0);
  EXPECT_EQ(p.sel.proto, 0);
  EXPECT_EQ(p.dir, XFRM_POLICY_OUT);
  EXPECT_EQ(p.action, XFRM_POLICY_ALLOW);
  EXPECT_EQ(p.priority, 1000u);
  EXPECT_EQ(p.lft.hard_byte_limit, XFRM_INF);
  EXPECT_EQ(p.lft.soft_packet_limit, XFRM_INF);
  uint32_t if_id = 0;
  ASSERT_TRUE(b.attrs.GetU32(XFRMA_IF_ID, &if_id));
  EXPECT_EQ(if_id, 0x10007u);
  xfrm_user_tmpl t;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_TMPL, &t));
  EXPECT_EQ(b.attrs.Get(XFRMA_TMPL)->size(), sizeof t);
  EXPECT_EQ(t.id.proto, IPPROTO_ESP);
  EXPECT_EQ(t.id.spi, 0u);
  EXPECT_EQ(t.family, AF_INET);
  EXPECT_EQ(t.saddr.a4, htonl(0xc0000201));
  EXPECT_EQ(t.id.daddr.a4, htonl(0xc6336402));
  EXPECT_EQ(t.reqid, 42u);
  EXPECT_EQ(t.mode, XFRM_MODE_TUNNEL);
  EXPECT_EQ(t.aalgos, ~0u);
  EXPECT_EQ(t.ealgos, ~0u);
  EXPECT_FALSE(b.attrs.Has(XFRMA_MARK));
}

TEST(BuildAddPolicy, V6InnerOverV4OuterFwdUpdateWithMark) {
  PolicyId id = AllV4(PolicyDir::kFwd, 0x10008);
  id.src = id.dst = TrafficSelector::All(IpAddress::Family::kV6);
  id.mark = 3;
  id.mark_mask = 0xf;
  auto m = BuildAddPolicy(id, Tunnel("198.51.100.2", "192.0.2.1"), true);
  ASSERT_TRUE(m.ok());
  xfrm_userpolicy_info p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_UPDPOLICY);
  EXPECT_EQ(p.sel.family, AF_INET6);
  EXPECT_EQ(p.dir, XFRM_POLICY_FWD);
  xfrm_user_tmpl t;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_TMPL, &t));
  EXPECT_EQ(t.family, AF_INET);  // the template's family is the outer one
  xfrm_mark mark;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_MARK, &mark));
  EXPECT_EQ(mark.v, 3u);
  EXPECT_EQ(mark.m, 0xfu);
}

TEST(BuildAddPolicy, BypassAndBlockHaveNoTemplate) {
  PolicyData bypass;
  bypass.action = PolicyAction::kBypass;
  auto m = BuildAddPolicy(AllV4(PolicyDir::kIn, 0x10007), bypass, false);
  ASSERT_TRUE(m.ok());
  xfrm_userpolicy_info p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(p.action, XFRM_POLICY_ALLOW);
  EXPECT_FALSE(b.attrs.Has(XFRMA_TMPL));

  PolicyData block;
  block.action = PolicyAction::kBlock;
  m = BuildAddPolicy(AllV4(PolicyDir::kOut, 0x10007), block, false);
  ASSERT_TRUE(m.ok());
  b = ReadBuilt(*m, &p);
  EXPECT_EQ(p.action, XFRM_POLICY_BLOCK);
  EXPECT_FALSE(b.attrs.Has(XFRMA_TMPL));
}

TEST(BuildAddPolicy, SelectorsWithProtocolAndPorts) {
  PolicyId id = AllV4(PolicyDir::kOut, 0x10007);
  id.src = *TrafficSelector::Parse("10.1.0.0/16");
  id.dst = *TrafficSelector::Parse("10.2.3.4[tcp/443]");
  auto m = BuildAddPolicy(id, Tunnel("192.0.2.1", "198.51.100.2"), false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  xfrm_userpolicy_info p;
  ReadBuilt(*m, &p);
  EXPECT_EQ(p.sel.saddr.a4, htonl(0x0a010000));
  EXPECT_EQ(p.sel.prefixlen_s, 16);
  EXPECT_EQ(p.sel.daddr.a4, htonl(0x0a020304));
  EXPECT_EQ(p.sel.prefixlen_d, 32);
  EXPECT_EQ(p.sel.proto, IPPROTO_TCP);
  EXPECT_EQ(ntohs(p.sel.dport), 443);
  EXPECT_EQ(ntohs(p.sel.dport_mask), 0xffff);
  EXPECT_EQ(p.sel.sport_mask, 0);

  id.dst = *TrafficSelector::Parse("10.2.3.4-10.2.3.6");
  EXPECT_EQ(BuildAddPolicy(id, {}, false).status().code(), Code::kUnsupported);
  id.dst = *TrafficSelector::Parse("10.2.3.4[tcp/100-200]");
  EXPECT_EQ(BuildAddPolicy(id, {}, false).status().code(), Code::kUnsupported);
  id.dst = *TrafficSelector::Parse("2001:db8::/32");
  EXPECT_EQ(BuildAddPolicy(id, {}, false).status().code(), Code::kInvalidArgument);
}

TEST(BuildDeletePolicy, SelectorDirectionAndIfId) {
  auto m = BuildDeletePolicy(AllV4(PolicyDir::kIn, 0x10007));
  ASSERT_TRUE(m.ok());
  xfrm_userpolicy_id p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_DELPOLICY);
  EXPECT_EQ(b.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(p.dir, XFRM_POLICY_IN);
  EXPECT_EQ(p.sel.family, AF_INET);
  EXPECT_EQ(p.index, 0u);
  uint32_t if_id = 0;
  ASSERT_TRUE(b.attrs.GetU32(XFRMA_IF_ID, &if_id));
  EXPECT_EQ(if_id, 0x10007u);
  NlMessage d = BuildPolicyDump();
  auto db = ReadBuilt(d, &p);
  EXPECT_EQ(db.hdr.nlmsg_type, XFRM_MSG_GETPOLICY);
  EXPECT_EQ(db.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
}

TEST(ParsePolicyRecord, RoundTripsWhatWeBuild) {
  PolicyId id = AllV4(PolicyDir::kFwd, 0x10009);
  id.src = *TrafficSelector::Parse("0.0.0.0/0[udp]");  // one protocol per xfrm selector
  id.dst = *TrafficSelector::Parse("10.2.3.0/24[udp/53]");
  PolicyData d = Tunnel("192.0.2.1", "198.51.100.2");
  auto m = BuildAddPolicy(id, d, false);
  ASSERT_TRUE(m.ok());
  auto r = ParsePolicyRecord(SplitNlMessages(m->span())->front());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id.src, id.src);
  EXPECT_EQ(r->id.dst, id.dst);
  EXPECT_EQ(r->id.dir, PolicyDir::kFwd);
  EXPECT_EQ(r->id.if_id, 0x10009u);
  EXPECT_EQ(r->data.action, PolicyAction::kIpsec);
  EXPECT_EQ(r->data.reqid, 42u);
  EXPECT_EQ(r->data.priority, 1000u);
  EXPECT_EQ(r->data.tmpl_src, d.tmpl_src);
  EXPECT_EQ(r->data.tmpl_dst, d.tmpl_dst);

  NlMessageView v = SplitNlMessages(m->span())->front();
  for (size_t n = 0; n < v.payload.size(); ++n) {
    NlMessageView cut = v;
    cut.payload = v.payload.first(n);
    auto c = ParsePolicyRecord(cut);
    if (n < sizeof(xfrm_userpolicy_info)) {
      EXPECT_FALSE(c.ok());
    }
  }
}

TEST(RouteBasedPolicies, SixPoliciesBothFamiliesAllDirections) {
  auto set = RouteBasedPolicies(0x10007, 42, A("192.0.2.1"), A("198.51.100.2"), 500);
  ASSERT_EQ(set.size(), 6u);
  int v4 = 0, v6 = 0;
  for (const auto& [id, data] : set) {
    EXPECT_EQ(id.if_id, 0x10007u);
    EXPECT_EQ(data.reqid, 42u);
    EXPECT_EQ(data.priority, 500u);
    EXPECT_EQ(id.src.start.is_unspecified(), true);
    (id.src.family() == IpAddress::Family::kV4 ? v4 : v6)++;
    EXPECT_EQ(data.tmpl_src, id.dir == PolicyDir::kOut ? A("192.0.2.1") : A("198.51.100.2"));
    EXPECT_TRUE(BuildAddPolicy(id, data, false).ok());
  }
  EXPECT_EQ(v4, 3);
  EXPECT_EQ(v6, 3);
}

TEST(SocketBypassPolicy, AllowsEverythingOfTheFamily) {
  xfrm_userpolicy_info p = BuildSocketBypassPolicy(PolicyDir::kOut, AF_INET6);
  EXPECT_EQ(p.sel.family, AF_INET6);
  EXPECT_EQ(p.dir, XFRM_POLICY_OUT);
  EXPECT_EQ(p.action, XFRM_POLICY_ALLOW);
  EXPECT_EQ(p.lft.hard_byte_limit, XFRM_INF);
  EXPECT_EQ(BuildSocketBypassPolicy(PolicyDir::kIn, AF_INET).dir, XFRM_POLICY_IN);
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm
