// vpn.data / vpn.secrets -> ikevpnd AddConnection settings.
#include "nm/vpn_settings.h"

#include <gtest/gtest.h>

namespace ikevpn::nm {
namespace {

TEST(VpnSettingsTest, PskClientWithInnerAddress) {
  auto s = TranslateVpnSettings({{"gateway", "192.0.2.1"},
                                 {"method", "psk"},
                                 {"local-id", "client@example.net"},
                                 {"remote-id", "gw.example.net"},
                                 {"inner-address", "10.9.0.2/24"},
                                 {"remote-ts", "10.2.0.0/24"},
                                 {"esp", "aes128-sha256"},
                                 {"mtu", "1300"}},
                                {{"psk", "sixteen-or-more-chars"}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->ikevpn, (StringMap{{"remote", "192.0.2.1"},
                                  {"auth", "psk"},
                                  {"psk", "sixteen-or-more-chars"},
                                  {"local-id", "client@example.net"},
                                  {"remote-id", "gw.example.net"},
                                  {"local-ts", "10.9.0.2"},
                                  {"remote-ts", "10.2.0.0/24"},
                                  {"esp", "aes128-sha256"}}));
  ASSERT_EQ(s->inner.size(), 1u);
  EXPECT_EQ(s->inner[0].ToString(), "10.9.0.2/24");
  EXPECT_FALSE(s->virtual_ip);
  EXPECT_EQ(s->mtu, 1300u);
  EXPECT_EQ(s->interface, "");
}

TEST(VpnSettingsTest, CertWithVirtualIp) {
  auto s = TranslateVpnSettings({{"gateway", "vpn.example.net"},
                                 {"method", "cert"},
                                 {"cert", "/etc/ikevpn/c.pem"},
                                 {"key", "/etc/ikevpn/c.key"},
                                 {"ca", "/etc/ikevpn/ca.pem"},
                                 {"virtual-ip", "yes"},
                                 {"interface", "ipsec7"}},
                                {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->ikevpn.at("auth"), "pubkey");
  EXPECT_EQ(s->ikevpn.at("remote-auth"), "pubkey");
  EXPECT_EQ(s->ikevpn.at("virtual-ip"), "yes");
  EXPECT_EQ(s->ikevpn.at("interface"), "ipsec7");
  EXPECT_EQ(s->ikevpn.count("local-ts"), 0u);  // the virtual IP decides
  EXPECT_EQ(s->ikevpn.count("psk"), 0u);
  EXPECT_TRUE(s->virtual_ip);
}

TEST(VpnSettingsTest, EveryProblemIsReported) {
  auto s = TranslateVpnSettings({{"method", "xauth"}, {"gatway", "x"}, {"mtu", "99"},
                                 {"inner-address", "10.9.0.300"}},
                                {});
  ASSERT_FALSE(s.ok());
  const std::string m = s.status().message();
  for (const char* part : {"unknown vpn.data key 'gatway'", "gateway is required", "method 'xauth' is unknown",
                           "mtu '99'", "inner-address '10.9.0.300'", "set inner-address, or virtual-ip=yes"}) {
    EXPECT_NE(m.find(part), std::string::npos) << part << " in: " << m;
  }
}

TEST(VpnSettingsTest, PskComesOnlyFromSecrets) {
  auto s = TranslateVpnSettings({{"gateway", "192.0.2.1"}, {"inner-address", "10.9.0.2"}}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("needs the secret 'psk'"), std::string::npos);
  auto leaked = TranslateVpnSettings({{"gateway", "192.0.2.1"}, {"inner-address", "10.9.0.2"}, {"psk", "x"}},
                                     {{"psk", "sixteen-or-more-chars"}});
  ASSERT_FALSE(leaked.ok());
  EXPECT_NE(leaked.status().message().find("unknown vpn.data key 'psk'"), std::string::npos);
}

TEST(VpnSettingsTest, NamesAndInterfaces) {
  EXPECT_EQ(ConnectionName("4c1b2e0a-1d5f-4c47-9d84-0d0b8f3c1a2e"), "nm-4c1b2e0a-1d5f-4c47-9d84-0d0b8f3c1a2e");
  EXPECT_EQ(ConnectionName("a b/c"), "nm-a_b_c");
  EXPECT_EQ(ConnectionName(std::string(100, 'x')).size(), 64u);
  EXPECT_EQ(FreeInterface({}), "ipsec0");
  EXPECT_EQ(FreeInterface({"lo", "ipsec0", "ipsec1", "ipsec3"}), "ipsec2");
}

}  // namespace
}  // namespace ikevpn::nm
