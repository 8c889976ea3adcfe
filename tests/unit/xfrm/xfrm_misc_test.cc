// The algorithm table, selectors/lifetimes, SaId::ToString, the probe's
// rtnetlink requests and its summary line.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "daemon/kernel/xfrm/owned_objects.h"
#include "daemon/kernel/xfrm/xfrm_algorithms.h"
#include "daemon/kernel/xfrm/xfrm_probe.h"
#include "daemon/kernel/xfrm/xfrm_types.h"
#include "tests/unit/xfrm/xfrm_test_util.h"

namespace ikevpn::kernel::xfrm {
namespace {

IpAddress A(const char* s) { return *IpAddress::Parse(s); }

TEST(XfrmAlgorithms, TableMapsBothWays) {
  auto gcm = FindEncr(ike::EncrId::kAesGcm12);
  ASSERT_TRUE(gcm);
  EXPECT_EQ(gcm->kernel_name, "rfc4106(gcm(aes))");
  EXPECT_EQ(gcm->icv_bits, 96);
  EXPECT_EQ(gcm->salt_bytes, 4);
  EXPECT_EQ(FindEncrByKernelName("rfc4106(gcm(aes))", 96)->id, ike::EncrId::kAesGcm12);
  EXPECT_EQ(FindEncrByKernelName("rfc4106(gcm(aes))", 128)->id, ike::EncrId::kAesGcm16);
  EXPECT_EQ(FindEncr(ike::EncrId::kAesCcm8)->salt_bytes, 3);
  EXPECT_EQ(FindEncrByKernelName("cbc(aes)", 0)->id, ike::EncrId::kAesCbc);
  EXPECT_FALSE(FindEncr(ike::EncrId::kDes));
  auto sha384 = FindInteg(ike::IntegId::kHmacSha2_384_192);
  ASSERT_TRUE(sha384);
  EXPECT_EQ(sha384->kernel_name, "hmac(sha384)");
  EXPECT_EQ(sha384->trunc_bits, 192);
  EXPECT_EQ(FindIntegByKernelName("hmac(sha1)", 96)->id, ike::IntegId::kHmacSha1_96);
  EXPECT_FALSE(FindInteg(ike::IntegId::kNone));
}

TEST(XfrmTypes, SelectorRoundTripAndPortBlocks) {
  auto src = *TrafficSelector::Parse("10.0.0.0/8[tcp/1024-2047]");
  auto dst = *TrafficSelector::Parse("192.168.1.1");
  auto sel = ToSelector(src, dst);
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_EQ(ntohs(sel->sport), 1024);
  EXPECT_EQ(ntohs(sel->sport_mask), 0xfc00);
  auto back = FromSelector(*sel);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->first.start_port, 1024);
  EXPECT_EQ(back->first.end_port, 2047);
  EXPECT_EQ(back->first.start, A("10.0.0.0"));
  EXPECT_EQ(back->first.end, A("10.255.255.255"));
  EXPECT_EQ(back->second.start, A("192.168.1.1"));
  xfrm_selector bad{};
  bad.family = 99;
  EXPECT_FALSE(FromSelector(bad));
  bad.family = AF_INET;
  bad.prefixlen_s = 33;
  EXPECT_FALSE(FromSelector(bad));
}

TEST(XfrmTypes, UnlimitedLifetimeIsInfNotZero) {
  xfrm_lifetime_cfg c = UnlimitedLifetimeCfg();
  EXPECT_EQ(c.soft_byte_limit, XFRM_INF);
  EXPECT_EQ(c.hard_byte_limit, XFRM_INF);
  EXPECT_EQ(c.soft_packet_limit, XFRM_INF);
  EXPECT_EQ(c.hard_packet_limit, XFRM_INF);
  EXPECT_EQ(c.hard_add_expires_seconds, 0u);
}

TEST(SaId, ToStringNamesTheSa) {
  SaId id{A("192.0.2.1"), A("192.0.2.2"), 0x1234abcd, ike::ProtocolId::kEsp};
  id.if_id = 7;
  EXPECT_EQ(id.ToString(), "ESP 0x1234abcd 192.0.2.1->192.0.2.2 if_id 7");
  id.mark = 1;
  id.mark_mask = 0xff;
  EXPECT_EQ(id.ToString(), "ESP 0x1234abcd 192.0.2.1->192.0.2.2 if_id 7 mark 0x1/0xff");
}

TEST(OwnedObjects, TracksByKernelKey) {
  OwnedObjects o;
  SaId larval{A("198.51.100.2"), A("192.0.2.1"), 0x1000, ike::ProtocolId::kEsp};
  o.AddSa(larval, true);
  SaId full = larval;
  full.if_id = 0x10007;
  EXPECT_TRUE(o.IsLarval(full));  // if_id is not part of the SA's key
  o.AddSa(full, false);
  EXPECT_FALSE(o.IsLarval(full));
  EXPECT_EQ(o.FindSa(larval)->if_id, 0x10007u);
  EXPECT_EQ(o.sas().size(), 1u);
  PolicyId p;
  p.src = p.dst = TrafficSelector::All(IpAddress::Family::kV6);
  p.if_id = 0x10007;
  o.AddPolicy(p);
  EXPECT_TRUE(o.HasPolicy(p));
  p.dir = PolicyDir::kIn;
  EXPECT_FALSE(o.HasPolicy(p));
  o.Clear();
  EXPECT_TRUE(o.sas().empty());
  EXPECT_TRUE(kDefaultOwnedIfIds.Contains(0x10000));
  EXPECT_FALSE(kDefaultOwnedIfIds.Contains(7));
  EXPECT_FALSE((IfIdRange{0, 10}).Contains(0));
}

TEST(XfrmProbe, LinkRequestsAreXfrmKindWithIfId) {
  NlMessage add = BuildProbeLinkAdd("ikvpr1", 99);
  ifinfomsg ifi;
  auto b = testing::ReadBuilt(add, &ifi);
  EXPECT_EQ(b.hdr.nlmsg_type, RTM_NEWLINK);
  EXPECT_EQ(b.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  EXPECT_STREQ(reinterpret_cast<const char*>(b.attrs.Get(IFLA_IFNAME)->data()), "ikvpr1");
  auto info = NlAttrs::Parse(*b.attrs.Get(IFLA_LINKINFO));
  ASSERT_TRUE(info.ok());
  EXPECT_STREQ(reinterpret_cast<const char*>(info->Get(IFLA_INFO_KIND)->data()), "xfrm");
  auto data = NlAttrs::Parse(*info->Get(IFLA_INFO_DATA));
  ASSERT_TRUE(data.ok());
  uint32_t if_id = 0;
  EXPECT_TRUE(data->GetU32(IFLA_XFRM_IF_ID, &if_id));
  EXPECT_EQ(if_id, 99u);
  NlMessage del = BuildProbeLinkDelete("ikvpr1");
  auto d = testing::ReadBuilt(del, &ifi);
  EXPECT_EQ(d.hdr.nlmsg_type, RTM_DELLINK);
}

TEST(XfrmProbe, SummaryLine) {
  XfrmCapabilities c;
  c.netlink = true;
  EXPECT_EQ(c.Summary(),
            "kernel lacks ESP (CONFIG_INET_ESP) and xfrm interfaces (CONFIG_XFRM_INTERFACE): "
            "using the userspace backend");
  c.esp = c.xfrm_interface = c.aes_gcm = true;
  EXPECT_EQ(c.Summary(), "kernel has xfrm, ESP and xfrm interfaces: using the xfrm backend");
  XfrmCapabilities none;
  EXPECT_EQ(none.Summary(),
            "kernel lacks xfrm netlink (CONFIG_XFRM_USER) and xfrm interfaces "
            "(CONFIG_XFRM_INTERFACE): using the userspace backend");
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm
