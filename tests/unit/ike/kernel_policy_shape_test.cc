// What the engine asks of the kernel besides keys: trap policies
// (trap_policies.h), policy priorities (policy_priority.h) and the kernel
// soft/hard lifetimes (child_lifetimes.h), down to the xfrm netlink bytes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/xfrm.h>

#include "daemon/ike/sa/child_lifetimes.h"
#include "daemon/ike/trap_policies.h"
#include "daemon/kernel/policy_priority.h"
#include "daemon/kernel/xfrm/xfrm_policy_messages.h"
#include "daemon/kernel/xfrm/xfrm_sa_messages.h"
#include "tests/unit/xfrm/xfrm_test_util.h"

namespace ikevpn::ike {
namespace {

using kernel::PolicyPriority;
using kernel::xfrm::testing::ReadBuilt;

TrafficSelector Ts(const char* s) { return *TrafficSelector::Parse(s); }
IpAddress A(const char* s) { return *IpAddress::Parse(s); }

TEST(PolicyPriority, MoreSpecificSelectorsGetLowerValues) {
  const uint32_t any = PolicyPriority(Ts("0.0.0.0/0"), Ts("0.0.0.0/0"));
  EXPECT_EQ(any, kernel::kPolicyPriorityBase);
  const uint32_t net16 = PolicyPriority(Ts("10.1.0.0/24"), Ts("10.9.0.0/16"));
  const uint32_t net24 = PolicyPriority(Ts("10.1.0.0/24"), Ts("10.9.2.0/24"));
  const uint32_t host = PolicyPriority(Ts("10.1.0.1/32"), Ts("10.9.2.1/32"));
  EXPECT_EQ(net16, kernel::kPolicyPriorityBase - 5 * (24 + 16));
  EXPECT_EQ(net24, kernel::kPolicyPriorityBase - 5 * (24 + 24));
  EXPECT_EQ(host, kernel::kPolicyPriorityBase - 5 * 64);
  EXPECT_LT(net24, net16);
  EXPECT_LT(host, net24);
  // Direction does not matter.
  EXPECT_EQ(PolicyPriority(Ts("10.9.0.0/16"), Ts("10.1.0.0/24")), net16);
  // IPv6 prefixes count the same way.
  EXPECT_EQ(PolicyPriority(Ts("fd01::/64"), Ts("::/0")), kernel::kPolicyPriorityBase - 5 * 64);
}

TEST(PolicyPriority, ProtocolAndPortsBreakTiesButNeverBeatOneAddressBit) {
  const uint32_t plain = PolicyPriority(Ts("10.1.0.0/24"), Ts("10.9.0.0/24"));
  const uint32_t tcp = PolicyPriority(Ts("10.1.0.0/24"), Ts("10.9.0.0/24[tcp]"));
  const uint32_t tcp443 = PolicyPriority(Ts("10.1.0.0/24"), Ts("10.9.0.0/24[tcp/443]"));
  EXPECT_EQ(tcp, plain - 2);
  EXPECT_EQ(tcp443, plain - 3);
  const uint32_t one_bit_more = PolicyPriority(Ts("10.1.0.0/24"), Ts("10.9.0.0/25"));
  const uint32_t both_ports = PolicyPriority(Ts("10.1.0.0/24[tcp/80]"), Ts("10.9.0.0/24[tcp/443]"));
  EXPECT_LT(one_bit_more, both_ports);
}

TEST(PolicyPriority, RangeCountsWithItsCoveringPrefix) {
  EXPECT_EQ(PolicyPriority(Ts("10.0.0.1-10.0.0.9"), Ts("0.0.0.0/0")), kernel::kPolicyPriorityBase - 5 * 28);
}

TEST(PolicyPriority, BuiltNewPolicyCarriesIt) {
  kernel::PolicyId id{Ts("10.1.0.0/24"), Ts("10.9.2.0/24"), kernel::PolicyDir::kOut, 0x10000};
  kernel::PolicyData d;
  d.priority = PolicyPriority(id.src, id.dst);
  d.reqid = 7;
  d.tmpl_src = A("192.0.2.1");
  d.tmpl_dst = A("192.0.2.2");
  auto m = kernel::xfrm::BuildAddPolicy(id, d, false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  xfrm_userpolicy_info p;
  ReadBuilt(*m, &p);
  EXPECT_EQ(p.priority, 200000u - 5 * 48);
  EXPECT_EQ(p.sel.prefixlen_s, 24);
  EXPECT_EQ(p.sel.prefixlen_d, 24);
}

config::Connection TrapConnection() {
  config::Connection c;
  c.name = "gw";
  c.local.kind = config::Host::Kind::kAddress;
  c.local.address = A("192.0.2.1");
  c.remote.kind = config::Host::Kind::kAddress;
  c.remote.address = A("192.0.2.2");
  c.remote.text = "192.0.2.2";
  c.local_ts.selectors = {Ts("10.1.0.0/24"), Ts("fd01::/64")};
  c.remote_ts.selectors = {Ts("10.9.0.0/16"), Ts("fd09::/64")};
  c.if_id = 0x10000;
  c.interface = "ipsec0";
  c.start_action = config::StartAction::kTrap;
  return c;
}

TEST(TrapPoliciesFor, OneOutPolicyPerSameFamilyPairWithReqidIfIdPriorityAndTunnelTemplate) {
  auto p = TrapPoliciesFor(TrapConnection(), 42);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 2u);  // v4 x v4, v6 x v6
  const auto& [id4, d4] = (*p)[0];
  EXPECT_EQ(id4.src, Ts("10.1.0.0/24"));
  EXPECT_EQ(id4.dst, Ts("10.9.0.0/16"));
  EXPECT_EQ(id4.dir, kernel::PolicyDir::kOut);
  EXPECT_EQ(id4.if_id, 0x10000u);
  EXPECT_EQ(d4.action, kernel::PolicyAction::kIpsec);
  EXPECT_EQ(d4.reqid, 42u);
  EXPECT_EQ(d4.mode, kernel::IpsecMode::kTunnel);
  EXPECT_EQ(d4.priority, PolicyPriority(id4.src, id4.dst));
  EXPECT_EQ(d4.tmpl_src, A("192.0.2.1"));
  EXPECT_EQ(d4.tmpl_dst, A("192.0.2.2"));
  EXPECT_EQ((*p)[1].first.dst, Ts("fd09::/64"));
  // IPv6 inner over IPv4 outer: the template stays in the outer family.
  EXPECT_EQ((*p)[1].second.tmpl_dst, A("192.0.2.2"));

  // The bytes: an out policy with the template's reqid and endpoints.
  auto m = kernel::xfrm::BuildAddPolicy(id4, d4, false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  xfrm_userpolicy_info info;
  auto b = ReadBuilt(*m, &info);
  EXPECT_EQ(info.dir, XFRM_POLICY_OUT);
  EXPECT_EQ(info.priority, 200000u - 5 * 40);
  xfrm_user_tmpl t;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_TMPL, &t));
  EXPECT_EQ(t.reqid, 42u);
  EXPECT_EQ(t.mode, XFRM_MODE_TUNNEL);
  EXPECT_EQ(t.saddr.a4, htonl(0xc0000201));
  EXPECT_EQ(t.id.daddr.a4, htonl(0xc0000202));
  uint32_t if_id = 0;
  ASSERT_TRUE(b.attrs.GetU32(XFRMA_IF_ID, &if_id));
  EXPECT_EQ(if_id, 0x10000u);
}

TEST(TrapPoliciesFor, AnyLocalGivesUnspecifiedTemplateSource) {
  config::Connection c = TrapConnection();
  c.local = config::Host{};
  auto p = TrapPoliciesFor(c, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->front().second.tmpl_src, IpAddress::Any(IpAddress::Family::kV4));
}

TEST(TrapPoliciesFor, DynamicSelectorsResolveToTheAddresses) {
  config::Connection c = TrapConnection();
  c.local_ts = config::TsSpec{true, {}};
  c.remote_ts = config::TsSpec{true, {}};
  auto p = TrapPoliciesFor(c, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ(p->front().first.src, Ts("192.0.2.1/32"));
  EXPECT_EQ(p->front().first.dst, Ts("192.0.2.2/32"));
}

TEST(TrapPoliciesFor, RefusesWhatCannotBeTrappedWithAReason) {
  config::Connection c = TrapConnection();
  c.remote = config::Host{};
  auto p = TrapPoliciesFor(c, 1);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("'gw': cannot trap: remote is not an address"), std::string::npos);

  c = TrapConnection();
  c.if_id.reset();
  EXPECT_NE(TrapPoliciesFor(c, 1).status().message().find("no if_id"), std::string::npos);

  c = TrapConnection();
  c.local = config::Host{};
  c.local_ts = config::TsSpec{true, {}};
  EXPECT_NE(TrapPoliciesFor(c, 1).status().message().find("dynamic local-ts"), std::string::npos);

  c = TrapConnection();
  c.local_ts.selectors = {Ts("10.1.0.0/24")};
  c.remote_ts.selectors = {Ts("fd09::/64")};
  EXPECT_NE(TrapPoliciesFor(c, 1).status().message().find("one family"), std::string::npos);
}

config::Lifetime Life(int64_t life, int64_t margin, int64_t jitter = 0) {
  return config::Lifetime{config::Seconds(life), config::Seconds(margin), config::Seconds(jitter)};
}

TEST(ChildKernelLifetimes, SoftBetweenTheDaemonsRekeyAndLifetimeHardAfter) {
  // rekey at 3600 - 540 = 3060 (minus jitter), lifetime 3600.
  ChildKernelLifetimes l = ChildKernelLifetimesFor(Life(3600, 540, 180));
  EXPECT_EQ(l.soft_seconds, 3330u);
  EXPECT_EQ(l.hard_seconds, 3660u);
  EXPECT_GT(l.soft_seconds, static_cast<uint64_t>(LatestRekeySeconds(Life(3600, 540, 180))));
  EXPECT_LT(l.soft_seconds, 3600u);
}

TEST(ChildKernelLifetimes, EdgeCases) {
  EXPECT_EQ(ChildKernelLifetimesFor(Life(0, 0)).soft_seconds, 0u);  // no lifetime: no limits
  EXPECT_EQ(ChildKernelLifetimesFor(Life(0, 0)).hard_seconds, 0u);
  // No margin: the daemon rekeys at the lifetime; soft is the lifetime.
  EXPECT_EQ(ChildKernelLifetimesFor(Life(100, 0)).soft_seconds, 100u);
  // Margin beyond the lifetime: the daemon rekeys at half of it.
  EXPECT_EQ(LatestRekeySeconds(Life(40, 50)), 20);
  EXPECT_EQ(ChildKernelLifetimesFor(Life(40, 50)).soft_seconds, 30u);
  EXPECT_EQ(ChildKernelLifetimesFor(Life(40, 50)).hard_seconds, 100u);
}

TEST(ChildKernelLifetimes, NewSaCarriesBothInTheBytes) {
  ChildKernelLifetimes l = ChildKernelLifetimesFor(Life(3600, 540));
  kernel::SaId id{A("192.0.2.1"), A("192.0.2.2"), 0xc0ffee01, ProtocolId::kEsp};
  id.if_id = 0x10000;
  kernel::SaData d;
  d.reqid = 42;
  d.encr_key = SecretBytes(36);
  d.soft.seconds = l.soft_seconds;
  d.hard.seconds = l.hard_seconds;
  auto m = kernel::xfrm::BuildAddSa(id, d, false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  xfrm_usersa_info p;
  ReadBuilt(*m, &p);
  EXPECT_EQ(p.lft.soft_add_expires_seconds, 3330u);
  EXPECT_EQ(p.lft.hard_add_expires_seconds, 3660u);
  EXPECT_EQ(p.lft.soft_byte_limit, XFRM_INF);
  EXPECT_EQ(p.lft.hard_packet_limit, XFRM_INF);
}

}  // namespace
}  // namespace ikevpn::ike
