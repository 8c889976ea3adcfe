// Runtime connections (D-Bus AddConnection): settings checked by the same
// key table and section checks as the file, errors naming the connection.
#include "daemon/config/connection_settings.h"

#include <gtest/gtest.h>

#include "tests/unit/config/test_util.h"

namespace ikevpn::config {
namespace {

using testing::Parse;

const ConnectionSettings kGood = {{"remote", "192.0.2.1"},
                                  {"auth", "psk"},
                                  {"psk", "0123456789abcdef-long-enough"},
                                  {"local-ts", "10.9.0.2"},
                                  {"remote-ts", "10.2.0.0/24"},
                                  {"interface", "ipsec3"}};

TEST(ConnectionSettingsTest, BuildsTheSameConnectionAsTheFile) {
  auto c = ParseConnectionSettings("nm-1", kGood, Config{});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto file = Parse(
      "[nm-1]\nremote = 192.0.2.1\nauth = psk\npsk = 0123456789abcdef-long-enough\n"
      "local-ts = 10.9.0.2\nremote-ts = 10.2.0.0/24\ninterface = ipsec3\n");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(*c == file.config.connections.at(0));
  EXPECT_EQ(c->if_id, 0x10003u);  // derived from the name, as in the file
}

TEST(ConnectionSettingsTest, EveryProblemIsNamedWithTheConnection) {
  ConnectionSettings bad = kGood;
  bad["esp"] = "aes128-nosuchhash";
  bad["remot"] = "x";
  bad.erase("auth");
  bad.erase("psk");
  auto c = ParseConnectionSettings("nm-1", bad, Config{});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  const std::string m = c.status().message();
  EXPECT_NE(m.find("AddConnection 'nm-1': unknown key 'remot' (did you mean 'remote'?)"), std::string::npos) << m;
  EXPECT_NE(m.find("AddConnection 'nm-1': esp: "), std::string::npos) << m;
  EXPECT_NE(m.find("auth is required"), std::string::npos) << m;
}

TEST(ConnectionSettingsTest, NamesAndKeysFollowTheFileSyntax) {
  EXPECT_NE(ParseConnectionSettings("a b", kGood, Config{}).status().message().find("may only contain"),
            std::string::npos);
  EXPECT_FALSE(ParseConnectionSettings("global", kGood, Config{}).ok());
  ConnectionSettings global_key = kGood;
  global_key["state-dir"] = "/tmp";
  auto c = ParseConnectionSettings("x", global_key, Config{});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("state-dir"), std::string::npos) << c.status().message();
}

TEST(ConnectionSettingsTest, PskComesInlineOrFromTheRunningSecrets) {
  ConnectionSettings no_psk = kGood;
  no_psk.erase("psk");
  auto c = ParseConnectionSettings("x", no_psk, Config{});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("no psk for"), std::string::npos) << c.status().message();

  Config running;
  const std::string secret = "a-secret-from-the-file";
  running.secrets.entries().push_back(
      {"any", {}, SecretBytes(std::span(reinterpret_cast<const uint8_t*>(secret.data()), secret.size()))});
  EXPECT_TRUE(ParseConnectionSettings("x", no_psk, running).ok());
}

TEST(ConnectionSettingsTest, InterfaceMustNotClashWithRunningConnections) {
  auto file = Parse("[site]\nauth = psk\npsk = 0123456789abcdef-long\ninterface = ipsec3\nif-id = 0x10063\n");
  ASSERT_TRUE(file.ok());
  auto c = ParseConnectionSettings("nm-1", kGood, file.config);  // ipsec3 with if_id 0x10003
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("interface ipsec3 has if_id 65539"), std::string::npos)
      << c.status().message();
}

TEST(ConnectionSettingsTest, MergeKeepsRuntimeConnectionsAndRefusesClashes) {
  auto runtime = ParseConnectionSettings("nm-1", kGood, Config{});
  ASSERT_TRUE(runtime.ok());
  auto file = Parse("[site]\nauth = psk\npsk = 0123456789abcdef-long\n");
  ASSERT_TRUE(MergeRuntimeConnections({*runtime}, file.config).ok());
  ASSERT_EQ(file.config.connections.size(), 2u);
  EXPECT_EQ(file.config.connections[1].name, "nm-1");

  auto clash = Parse("[nm-1]\nauth = psk\npsk = 0123456789abcdef-long\n");
  Status s = MergeRuntimeConnections({*runtime}, clash.config);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("AddConnection 'nm-1': the configuration file now defines"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace ikevpn::config
