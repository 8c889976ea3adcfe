// The Config / Ip4Config / Ip6Config dictionaries in NetworkManager's encoding.
#include "nm/ip_config.h"

#include <gtest/gtest.h>

namespace ikevpn::nm {
namespace {

TunnelInfo Tunnel() {
  TunnelInfo t;
  t.gateway = *IpAddress::Parse("192.0.2.1");
  t.tundev = "ipsec0";
  t.mtu = 1400;
  t.addresses = {*Prefix::Parse("10.9.0.2/32"), *Prefix::Parse("fd00:9::2/128")};
  t.routes = {*Prefix::Parse("10.2.0.0/24"), *Prefix::Parse("fd00:2::/64")};
  t.dns = {*IpAddress::Parse("10.2.0.53"), *IpAddress::Parse("fd00:2::53")};
  return t;
}

TEST(IpConfigTest, NetworkByteOrderAsNetworkManagerWantsIt) {
  // docs/networkmanager.md: 192.0.2.1 -> 16908480.
  EXPECT_EQ(NetworkOrder(*IpAddress::Parse("192.0.2.1")), 16908480u);
}

TEST(IpConfigTest, Config) {
  VariantMap c = BuildConfig(Tunnel());
  EXPECT_EQ(c.at("gateway").get<uint32_t>(), 16908480u);
  EXPECT_EQ(c.at("tundev").get<std::string>(), "ipsec0");
  EXPECT_EQ(c.at("mtu").get<uint32_t>(), 1400u);
  EXPECT_TRUE(c.at("has-ip4").get<bool>());
  EXPECT_TRUE(c.at("has-ip6").get<bool>());
  TunnelInfo v6gw = Tunnel();
  v6gw.gateway = *IpAddress::Parse("2001:db8::1");
  v6gw.addresses.resize(1);
  VariantMap c6 = BuildConfig(v6gw);
  EXPECT_EQ(c6.at("gateway").get<std::vector<uint8_t>>().size(), 16u);
  EXPECT_FALSE(c6.at("has-ip6").get<bool>());
}

TEST(IpConfigTest, Ip4Config) {
  VariantMap c = BuildIp4Config(Tunnel());
  EXPECT_EQ(c.at("address").get<uint32_t>(), NetworkOrder(*IpAddress::Parse("10.9.0.2")));
  EXPECT_EQ(c.at("prefix").get<uint32_t>(), 32u);
  auto routes = c.at("routes").get<std::vector<std::vector<uint32_t>>>();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0], (std::vector<uint32_t>{NetworkOrder(*IpAddress::Parse("10.2.0.0")), 24, 0, 0}));
  EXPECT_TRUE(c.at("never-default").get<bool>());
  EXPECT_EQ(c.at("dns").get<std::vector<uint32_t>>(),
            (std::vector<uint32_t>{NetworkOrder(*IpAddress::Parse("10.2.0.53"))}));
}

TEST(IpConfigTest, FullTunnelLeavesTheDefaultRouteToNetworkManager) {
  TunnelInfo t = Tunnel();
  t.routes = {*Prefix::Parse("0.0.0.0/0")};
  VariantMap c = BuildIp4Config(t);
  EXPECT_TRUE(c.at("routes").get<std::vector<std::vector<uint32_t>>>().empty());
  EXPECT_FALSE(c.at("never-default").get<bool>());
}

TEST(IpConfigTest, Ip6Config) {
  VariantMap c = BuildIp6Config(Tunnel());
  auto addr = c.at("address").get<std::vector<uint8_t>>();
  ASSERT_EQ(addr.size(), 16u);
  EXPECT_EQ(addr[0], 0xfd);
  EXPECT_EQ(addr[15], 2);
  EXPECT_EQ(c.at("prefix").get<uint32_t>(), 128u);
  using Route = sdbus::Struct<std::vector<uint8_t>, uint32_t, std::vector<uint8_t>, uint32_t>;
  auto routes = c.at("routes").get<std::vector<Route>>();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(std::get<1>(routes[0]), 64u);
  EXPECT_EQ(c.at("dns").get<std::vector<std::vector<uint8_t>>>().size(), 1u);
}

TEST(IpConfigTest, NoAddressOfAFamilyMeansNoDictionary) {
  TunnelInfo t = Tunnel();
  t.addresses = {*Prefix::Parse("10.9.0.2/32")};
  EXPECT_TRUE(BuildIp6Config(t).empty());
  EXPECT_FALSE(BuildIp4Config(t).empty());
}

}  // namespace
}  // namespace ikevpn::nm
