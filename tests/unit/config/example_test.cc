// etc/ikevpn.conf.example must parse cleanly and mean what it says.
#include <gtest/gtest.h>

#include "daemon/config/file_access.h"
#include "daemon/config/proposal_parser.h"
#include "tests/unit/config/test_util.h"

namespace ikevpn::config {
namespace {

TEST(ExampleConfig, ParsesCleanly) {
  auto text = ReadTextFile(IKEVPN_EXAMPLE_CONFIG);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  // ParseConfigText: the example names /etc/ikevpn.secrets, which a test
  // machine does not have.
  auto out = ParseConfigText(*text, "ikevpn.conf.example");
  EXPECT_TRUE(out.diags.errors.empty()) << testing::Render(out.diags.errors).front();
  EXPECT_TRUE(out.diags.warnings.empty()) << testing::Render(out.diags.warnings).front();
  const Config& c = out.config;
  ASSERT_EQ(c.connections.size(), 4u);
  EXPECT_EQ(c.global.secrets_file, "/etc/ikevpn.secrets");

  const Connection* psk = c.Find("branch-psk");
  ASSERT_NE(psk, nullptr);
  EXPECT_EQ(psk->if_id, 0x10000u);  // ipsec0
  EXPECT_EQ(psk->start_action, StartAction::kStart);
  EXPECT_EQ(ToString(psk->ike_proposals),
            "aes256gcm16-prfsha384-x25519, aes256-sha256-prfsha256-modp3072");

  const Connection* cert = c.Find("branch-cert");
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(cert->remote.kind, Host::Kind::kHostname);
  EXPECT_EQ(cert->local_id->type, ike::IdType::kDerAsn1Dn);
  EXPECT_EQ(cert->auth, AuthMethod::kPubkey);

  const Connection* gw = c.Find("roadwarriors");
  ASSERT_NE(gw, nullptr);
  EXPECT_TRUE(gw->remote.is_any());
  EXPECT_EQ(gw->pools.size(), 2u);
  EXPECT_TRUE(gw->inertia);
  EXPECT_TRUE(gw->remote_ts.dynamic);

  const Connection* laptop = c.Find("laptop");
  ASSERT_NE(laptop, nullptr);
  EXPECT_TRUE(laptop->virtual_ip);
  EXPECT_TRUE(laptop->local_ts.dynamic);
  EXPECT_TRUE(laptop->leak_guard);
  EXPECT_EQ(laptop->local_id->type, ike::IdType::kRfc822Addr);
}

// The secrets sample in the example's trailing comment parses too.
TEST(ExampleConfig, SecretsSampleParses) {
  auto text = ReadTextFile(IKEVPN_EXAMPLE_CONFIG);
  ASSERT_TRUE(text.ok());
  std::string sample;
  size_t at = text->find("# [branch]");
  ASSERT_NE(at, std::string::npos);
  for (size_t pos = at; pos < text->size();) {
    size_t nl = text->find('\n', pos);
    sample += text->substr(pos + 2, nl - pos - 2) + "\n";
    pos = nl + 1;
  }
  Diagnostics d;
  Secrets s = ParseSecretsText(sample, "sample", &d);
  EXPECT_TRUE(d.ok() && d.warnings.empty()) << sample;
  ASSERT_EQ(s.entries().size(), 1u);
  EXPECT_EQ(s.entries()[0].ids.size(), 2u);
}

}  // namespace
}  // namespace ikevpn::config
