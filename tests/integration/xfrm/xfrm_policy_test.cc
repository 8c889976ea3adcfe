// Route-based policies (if_id, in/out/fwd, v4 and v6) against this kernel:
// install, dump (ours and `ip xfrm policy`), delete, and FlushOwned leaving
// other software's policies alone.
#include <gtest/gtest.h>

#include "daemon/kernel/xfrm/xfrm_ipsec.h"
#include "tests/integration/xfrm/netns.h"

namespace ikevpn::kernel::xfrm::testing {
namespace {

constexpr uint32_t kIfId = 0x10007;  // in kDefaultOwnedIfIds
IpAddress A(const char* s) { return *IpAddress::Parse(s); }

std::unique_ptr<XfrmIpsec> Backend() {
  auto x = XfrmIpsec::Create(nullptr);
  EXPECT_TRUE(x.ok()) << x.status().ToString();
  return x.ok() ? std::move(*x) : nullptr;
}

auto RoutePolicies(uint32_t if_id = kIfId) {
  return RouteBasedPolicies(if_id, 42, A("192.0.2.1"), A("198.51.100.2"), 100);
}

std::string IpPolicies() { return Sh("ip xfrm policy").output; }

TEST(XfrmPolicyIntegration, InstallDumpCrossCheckDelete) {
  XFRM_NEEDS_NETNS();
  auto x = Backend();
  ASSERT_TRUE(x);
  for (const auto& [id, data] : RoutePolicies()) {
    Status s = x->AddPolicy(id, data);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(x->owned().policies().size(), 6u);

  auto dump = x->DumpPolicies();
  ASSERT_TRUE(dump.ok()) << dump.status().ToString();
  ASSERT_EQ(dump->size(), 6u);
  int v4 = 0, v6 = 0, out = 0, in = 0, fwd = 0;
  for (const PolicyRecord& r : *dump) {
    EXPECT_EQ(r.id.if_id, kIfId);
    EXPECT_EQ(r.data.action, PolicyAction::kIpsec);
    EXPECT_EQ(r.data.reqid, 42u);
    EXPECT_EQ(r.data.priority, 100u);
    EXPECT_EQ(r.data.mode, IpsecMode::kTunnel);
    EXPECT_EQ(r.id.src.CoveringPrefix().length, 0);
    EXPECT_TRUE(x->owned().HasPolicy(r.id)) << "dumped policy is tracked";
    (r.id.src.family() == IpAddress::Family::kV4 ? v4 : v6)++;
    (r.id.dir == PolicyDir::kOut ? out : r.id.dir == PolicyDir::kIn ? in : fwd)++;
    bool outbound = r.id.dir == PolicyDir::kOut;
    EXPECT_EQ(r.data.tmpl_src, outbound ? A("192.0.2.1") : A("198.51.100.2"));
    EXPECT_EQ(r.data.tmpl_dst, outbound ? A("198.51.100.2") : A("192.0.2.1"));
  }
  EXPECT_EQ(v4, 3);
  EXPECT_EQ(v6, 3);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(in, 2);
  EXPECT_EQ(fwd, 2);

  // What iproute2 sees.
  std::string ip = IpPolicies();
  EXPECT_EQ(CountOf(ip, "if_id 0x10007"), 6) << ip;
  EXPECT_EQ(CountOf(ip, "src 0.0.0.0/0 dst 0.0.0.0/0"), 3) << ip;
  EXPECT_EQ(CountOf(ip, "src ::/0 dst ::/0"), 3) << ip;
  EXPECT_EQ(CountOf(ip, "dir fwd priority 100"), 2) << ip;
  EXPECT_EQ(CountOf(ip, "tmpl src 192.0.2.1 dst 198.51.100.2"), 2) << ip;
  EXPECT_EQ(CountOf(ip, "proto esp reqid 42 mode tunnel"), 6) << ip;

  // Adding again replaces ours (UPDPOLICY), e.g. new endpoints after MOBIKE.
  auto moved = RouteBasedPolicies(kIfId, 42, A("192.0.2.9"), A("198.51.100.2"), 100);
  for (const auto& [id, data] : moved) ASSERT_TRUE(x->AddPolicy(id, data).ok());
  ip = IpPolicies();
  EXPECT_EQ(CountOf(ip, "tmpl src 192.0.2.9 dst 198.51.100.2"), 2) << ip;
  EXPECT_EQ(CountOf(ip, "if_id 0x10007"), 6) << ip;

  for (const auto& [id, data] : RoutePolicies()) {
    Status s = x->DeletePolicy(id);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_TRUE(x->owned().policies().empty());
  EXPECT_EQ(IpPolicies(), "");
  EXPECT_TRUE(x->DumpPolicies()->empty());

  // Deleting again: kNotFound, with the policy named.
  Status again = x->DeletePolicy(RoutePolicies()[0].first);
  EXPECT_EQ(again.code(), Code::kNotFound) << again.ToString();
  EXPECT_NE(again.message().find("delete policy 0.0.0.0/0 -> 0.0.0.0/0 dir out if_id 65543"),
            std::string::npos)
      << again.message();
}

TEST(XfrmPolicyIntegration, RefusesForeignIfIdAndDoesNotClobberForeignPolicy) {
  XFRM_NEEDS_NETNS();
  auto x = Backend();
  ASSERT_TRUE(x);
  auto [id, data] = RoutePolicies(7)[0];
  Status outside = x->AddPolicy(id, data);
  EXPECT_EQ(outside.code(), Code::kInvalidArgument);
  EXPECT_NE(outside.message().find("outside the daemon's if_id range"), std::string::npos);

  // Someone else's policy with the same key: NEWPOLICY, not UPDPOLICY.
  ASSERT_EQ(Sh("ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out if_id 0x10007 "
                "tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 5 mode tunnel")
                .status,
            0);
  auto [ours, ours_data] = RoutePolicies()[0];
  Status clash = x->AddPolicy(ours, ours_data);
  EXPECT_EQ(clash.code(), Code::kExists) << clash.ToString();
  EXPECT_NE(IpPolicies().find("tmpl src 10.0.0.1 dst 10.0.0.2"), std::string::npos);
}

TEST(XfrmPolicyIntegration, FlushOwnedRemovesOursAndLeftoversOnly) {
  XFRM_NEEDS_NETNS();
  // Foreign: no if_id, and an if_id outside our range.
  ASSERT_EQ(Sh("ip xfrm policy add src 10.1.0.0/16 dst 10.2.0.0/16 dir out "
                "tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode tunnel")
                .status,
            0);
  ASSERT_EQ(Sh("ip xfrm policy add src 10.3.0.0/16 dst 10.4.0.0/16 dir in if_id 7 "
                "tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode tunnel")
                .status,
            0);
  {
    // A run that "crashes": installs policies and never flushes.
    auto crashed = Backend();
    ASSERT_TRUE(crashed);
    for (const auto& [id, data] : RoutePolicies(0x10009)) ASSERT_TRUE(crashed->AddPolicy(id, data).ok());
  }
  auto x = Backend();
  ASSERT_TRUE(x);
  for (const auto& [id, data] : RoutePolicies()) ASSERT_TRUE(x->AddPolicy(id, data).ok());
  EXPECT_EQ(CountOf(IpPolicies(), "if_id"), 13);

  Status s = x->FlushOwned();
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::string ip = IpPolicies();
  EXPECT_EQ(CountOf(ip, "if_id 0x10007"), 0) << ip;
  EXPECT_EQ(CountOf(ip, "if_id 0x10009"), 0) << "leftovers of the crashed run\n" << ip;
  EXPECT_NE(ip.find("src 10.1.0.0/16 dst 10.2.0.0/16"), std::string::npos) << ip;
  EXPECT_NE(ip.find("src 10.3.0.0/16 dst 10.4.0.0/16"), std::string::npos) << ip;
  EXPECT_NE(ip.find("if_id 0x7"), std::string::npos) << ip;
  EXPECT_TRUE(x->owned().policies().empty());
  // Idempotent.
  EXPECT_TRUE(x->FlushOwned().ok());
  EXPECT_EQ(IpPolicies(), ip);
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm::testing
