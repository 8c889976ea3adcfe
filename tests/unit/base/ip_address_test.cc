#include "daemon/base/ip_address.h"

#include <gtest/gtest.h>

#include "daemon/base/traffic_selector.h"

namespace ikevpn {
namespace {

TEST(IpAddress, ParsesAndPrints) {
  auto a = IpAddress::Parse("192.0.2.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4_host_order(), 0xc0000201u);
  EXPECT_EQ(a->ToString(), "192.0.2.1");
  auto b = IpAddress::Parse("2001:db8::1");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->is_v6());
  EXPECT_EQ(b->ToString(), "2001:db8::1");
  EXPECT_FALSE(IpAddress::Parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::Parse(""));
  EXPECT_FALSE(IpAddress::Parse("host.example"));
}

TEST(IpAddress, MaskPlusAndOrder) {
  auto a = *IpAddress::Parse("10.1.2.3");
  EXPECT_EQ(a.Masked(16).ToString(), "10.1.0.0");
  EXPECT_EQ(a.BroadcastOf(20).ToString(), "10.1.15.255");
  EXPECT_EQ(IpAddress::Parse("10.0.0.255")->Plus(1).ToString(), "10.0.1.0");
  EXPECT_LT(*IpAddress::Parse("10.0.0.1"), *IpAddress::Parse("10.0.0.2"));
}

TEST(Endpoint, SockaddrRoundTripIncludingMappedV4) {
  Endpoint e{*IpAddress::Parse("2001:db8::5"), 4500};
  sockaddr_storage ss;
  socklen_t len = e.ToSockaddr(&ss);
  auto back = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, e);
  EXPECT_EQ(e.ToString(), "[2001:db8::5]:4500");
  Endpoint mapped{*IpAddress::Parse("::ffff:192.0.2.7"), 500};
  len = mapped.ToSockaddr(&ss);
  back = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ToString(), "192.0.2.7:500");
}

TEST(Prefix, ParseAndContains) {
  auto p = Prefix::Parse("10.1.0.0/16");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Contains(*IpAddress::Parse("10.1.255.1")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("10.2.0.1")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("::1")));
  EXPECT_EQ(Prefix::Parse("192.0.2.9")->length, 32);
  EXPECT_FALSE(Prefix::Parse("10.0.0.0/33"));
  EXPECT_FALSE(Prefix::Parse("10.0.0.0/"));
}

TEST(TrafficSelector, ParseIntersectAndPrefix) {
  auto a = TrafficSelector::Parse("10.0.0.0/8");
  auto b = TrafficSelector::Parse("10.1.0.0/16[udp/53]");
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->Covers(*b));
  EXPECT_FALSE(b->Covers(*a));
  auto i = a->Intersect(*b);
  ASSERT_TRUE(i);
  EXPECT_EQ(i->ToString(), "10.1.0.0/16[udp/53]");
  EXPECT_FALSE(TrafficSelector::Parse("10.0.0.0/8")->Intersect(*TrafficSelector::Parse("11.0.0.0/8")));
  auto r = TrafficSelector::Parse("10.0.0.1-10.0.0.9");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->IsPrefix());
  EXPECT_EQ(r->CoveringPrefix().ToString(), "10.0.0.0/28");
  EXPECT_EQ(TrafficSelector::All(IpAddress::Family::kV6).ToString(), "::/0");
  EXPECT_FALSE(TrafficSelector::Parse("10.0.0.9-10.0.0.1"));
  EXPECT_FALSE(TrafficSelector::Parse("10.0.0.0/8[bogus]"));
}

}  // namespace
}  // namespace ikevpn

namespace ikevpn {
namespace {

TEST(TrafficSelector, AllOfAFamilyEqualsTheParsedPrefix) {
  EXPECT_EQ(TrafficSelector::All(IpAddress::Family::kV4), *TrafficSelector::Parse("0.0.0.0/0"));
  EXPECT_TRUE(TrafficSelector::All(IpAddress::Family::kV4).IsPrefix());
  EXPECT_EQ(TrafficSelector::All(IpAddress::Family::kV4).ToString(), "0.0.0.0/0");
  EXPECT_EQ(IpAddress::Max(IpAddress::Family::kV4), *IpAddress::Parse("255.255.255.255"));
}

}  // namespace
}  // namespace ikevpn
