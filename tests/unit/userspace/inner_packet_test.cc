// Inner packet parsing and the traffic selector match (RFC 4301 §4.4.1.1).
#include "daemon/kernel/userspace/inner_packet.h"

#include <gtest/gtest.h>

#include "tests/unit/userspace/test_util.h"

namespace ikevpn::kernel::userspace {
namespace {

using testing::Ip;
using testing::MakeUdpPacket;
using testing::Ts;

TEST(InnerPacketTest, ParsesV4AndIgnoresTfcPadding) {
  Bytes p = MakeUdpPacket("10.0.0.1", "10.0.0.2", 1000, 53, 10);
  size_t real = p.size();
  p.resize(real + 20, 0);  // TFC padding behind the packet
  InnerPacket info;
  ASSERT_EQ(ParseInnerPacket(p, kNextHeaderIpv4, &info), EspError::kOk);
  EXPECT_EQ(info.src, Ip("10.0.0.1"));
  EXPECT_EQ(info.dst, Ip("10.0.0.2"));
  EXPECT_EQ(info.protocol, 17);
  EXPECT_TRUE(info.has_ports);
  EXPECT_EQ(info.src_port, 1000);
  EXPECT_EQ(info.dst_port, 53);
  EXPECT_EQ(info.length, real);
}

TEST(InnerPacketTest, NextHeaderMustMatchVersion) {
  Bytes v4 = MakeUdpPacket("10.0.0.1", "10.0.0.2", 1, 2, 0);
  Bytes v6 = MakeUdpPacket("fd00::1", "fd00::2", 1, 2, 0);
  InnerPacket info;
  EXPECT_EQ(ParseInnerPacket(v4, kNextHeaderIpv6, &info), EspError::kBadNextHeader);
  EXPECT_EQ(ParseInnerPacket(v6, kNextHeaderIpv4, &info), EspError::kBadNextHeader);
  EXPECT_EQ(ParseInnerPacket(v6, kNextHeaderIpv6, &info), EspError::kOk);
  Bytes junk = {0x10, 0, 0};
  EXPECT_EQ(ParseInnerPacket(junk, 0, &info), EspError::kBadInner);
}

TEST(InnerPacketTest, RejectsLengthBeyondData) {
  Bytes v4 = MakeUdpPacket("10.0.0.1", "10.0.0.2", 1, 2, 10);
  InnerPacket info;
  Bytes cut(v4.begin(), v4.end() - 1);
  EXPECT_EQ(ParseInnerPacket(cut, 0, &info), EspError::kBadInner);
  Bytes v6 = MakeUdpPacket("fd00::1", "fd00::2", 1, 2, 10);
  Bytes cut6(v6.begin(), v6.begin() + 39);
  EXPECT_EQ(ParseInnerPacket(cut6, 0, &info), EspError::kBadInner);
}

TEST(InnerPacketTest, SkipsIpv6ExtensionHeaders) {
  Bytes p = MakeUdpPacket("fd00::1", "fd00::2", 7, 8, 4);
  // Insert an 8-byte destination options header before UDP.
  Bytes ext = {17, 0, 1, 4, 0, 0, 0, 0};
  p.insert(p.begin() + 40, ext.begin(), ext.end());
  p[6] = 60;
  StoreBe16(&p[4], static_cast<uint16_t>(p.size() - 40));
  InnerPacket info;
  ASSERT_EQ(ParseInnerPacket(p, 0, &info), EspError::kOk);
  EXPECT_EQ(info.protocol, 17);
  EXPECT_EQ(info.dst_port, 8);
}

TEST(InnerPacketTest, SelectorsMatchAddressProtocolAndPorts) {
  TrafficSelectors any;
  EXPECT_TRUE(SelectorsMatch(any, Ip("192.0.2.1"), 6, true, 80));
  TrafficSelectors net = {Ts("10.1.0.0/16"), Ts("fd00:1::/64")};
  EXPECT_TRUE(SelectorsMatch(net, Ip("10.1.2.3"), 6, true, 80));
  EXPECT_TRUE(SelectorsMatch(net, Ip("fd00:1::9"), 17, false, 0));
  EXPECT_FALSE(SelectorsMatch(net, Ip("10.2.0.1"), 6, true, 80));
  TrafficSelectors dns = {Ts("10.1.0.0/16[udp/53]")};
  EXPECT_TRUE(SelectorsMatch(dns, Ip("10.1.0.1"), 17, true, 53));
  EXPECT_FALSE(SelectorsMatch(dns, Ip("10.1.0.1"), 17, true, 54));
  EXPECT_FALSE(SelectorsMatch(dns, Ip("10.1.0.1"), 6, true, 53));
  EXPECT_FALSE(SelectorsMatch(dns, Ip("10.1.0.1"), 17, false, 0));  // fragment: OPAQUE
}

TEST(InnerPacketTest, InboundAndOutboundDirections) {
  InnerPacket p;
  ASSERT_EQ(ParseInnerPacket(MakeUdpPacket("10.2.0.5", "10.1.0.5", 1, 2, 0), 0, &p), EspError::kOk);
  TrafficSelectors local = {Ts("10.1.0.0/16")}, remote = {Ts("10.2.0.0/16")};
  EXPECT_TRUE(InboundAllowed(p, local, remote));
  EXPECT_FALSE(OutboundAllowed(p, local, remote));
  EXPECT_TRUE(OutboundAllowed(p, remote, local));
}

}  // namespace
}  // namespace ikevpn::kernel::userspace
