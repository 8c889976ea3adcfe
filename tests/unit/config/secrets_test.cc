#include "daemon/config/secrets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "daemon/config/config_parser.h"
#include "daemon/config/values.h"
#include "tests/unit/config/test_util.h"

namespace ikevpn::config {
namespace {

using ::testing::ElementsAre;
using testing::Render;

Identity Id(std::string_view text) { return *ParseIdentity(text); }
Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

constexpr std::string_view kSecrets = R"(
[pair]
id = @a.example.org
id = @b.example.org
psk = "pair secret 0123456789"
[remote-only]
id = @c.example.org
psk = 0x000102030405060708090a0b0c0d0e0f
[fallback]
psk = "fallback secret 0123456789"
)";

TEST(Secrets, ParsesEntries) {
  Diagnostics d;
  Secrets s = ParseSecretsText(kSecrets, "s", &d);
  EXPECT_TRUE(d.ok());
  EXPECT_TRUE(d.warnings.empty());
  ASSERT_EQ(s.entries().size(), 3u);
  EXPECT_EQ(s.entries()[0].name, "pair");
  ASSERT_EQ(s.entries()[0].ids.size(), 2u);
  EXPECT_EQ(s.entries()[1].psk.size(), 16u);
}

TEST(Secrets, FindPskPrefersTheBestMatch) {
  Diagnostics d;
  Secrets s = ParseSecretsText(kSecrets, "s", &d);
  Identity a = Id("@a.example.org"), b = Id("@b.example.org"), c = Id("@c.example.org"),
           x = Id("@x.example.org");
  EXPECT_TRUE(s.FindPsk(&a, &b)->Equals(B("pair secret 0123456789")));
  EXPECT_TRUE(s.FindPsk(&x, &b)->Equals(B("pair secret 0123456789")));
  EXPECT_EQ(s.FindPsk(&a, &c), &s.entries()[1].psk);  // remote match beats local match
  EXPECT_TRUE(s.FindPsk(&x, &x)->Equals(B("fallback secret 0123456789")));
  EXPECT_TRUE(s.FindPsk(nullptr, nullptr)->Equals(B("fallback secret 0123456789")));
  Secrets none;
  EXPECT_EQ(none.FindPsk(&a, &b), nullptr);
}

TEST(Secrets, Errors) {
  Diagnostics d;
  ParseSecretsText("stray = 1\n[a]\nid = @x\n[b]\npsk = 0xzz\nid = \n[c]\npsk = x\npsk = y\n", "s",
                   &d);
  EXPECT_THAT(
      Render(d.errors),
      ElementsAre("s:1: key 'stray' outside a section (start one with [name])",
                  "s:2: secret 'a': psk is required", "s:5: psk: bad hex in secret",
                  "s:6: id: empty identity", "s:9: duplicate key 'psk' (first set at line 8)"));
  EXPECT_THAT(Render(d.warnings),
              ElementsAre("s:8: psk is shorter than 16 bytes and easy to guess offline"));
}

// Files in a fresh temporary directory, removed afterwards.
class SecretFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ikevpn-config-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const auto& f : files_) unlink(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string Write(const std::string& name, std::string_view text, mode_t mode) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
    files_.push_back(path);
    return path;
  }
  std::string Config(std::string_view policy, std::string_view extra = "") {
    return "secrets = ikevpn.secrets\nsecrets-permissions = " + std::string(policy) +
           "\n[c]\nauth = psk\nlocal-id = @a.example.org\nremote-id = @b.example.org\n" +
           std::string(extra);
  }

  std::string dir_;
  std::vector<std::string> files_;
};

TEST_F(SecretFiles, Mode0600IsFine) {
  Write("ikevpn.secrets", kSecrets, 0600);
  auto out = LoadConfig(Write("ikevpn.conf", Config("refuse"), 0644));
  EXPECT_TRUE(out.ok()) << Render(out.diags.errors).front();
  EXPECT_TRUE(out.diags.warnings.empty());
  EXPECT_EQ(out.config.secrets.entries().size(), 3u);
}

TEST_F(SecretFiles, Mode0644WarnsUnderWarn) {
  std::string secrets = Write("ikevpn.secrets", kSecrets, 0644);
  auto out = LoadConfig(Write("ikevpn.conf", Config("warn"), 0644));
  EXPECT_TRUE(out.ok());
  EXPECT_THAT(
      Render(out.diags.warnings),
      ElementsAre(secrets +
                  ": holds secrets but group or others may read it (mode 0644); chmod 600 it"));
  EXPECT_EQ(out.config.secrets.entries().size(), 3u);
}

TEST_F(SecretFiles, Mode0644IsRefusedUnderRefuse) {
  std::string secrets = Write("ikevpn.secrets", kSecrets, 0644);
  auto out = LoadConfig(Write("ikevpn.conf", Config("refuse"), 0644));
  EXPECT_THAT(Render(out.diags.errors),
              ElementsAre(secrets + ": holds secrets but group or others may read it (mode 0644); "
                                    "chmod 600 it (refused: secrets-permissions = refuse)"));
  EXPECT_TRUE(out.config.secrets.entries().empty());
}

TEST_F(SecretFiles, InlinePskMakesTheConfigASecretFile) {
  Write("ikevpn.secrets", "", 0600);
  std::string conf = Write("ikevpn.conf", Config("refuse", "psk = 0123456789abcdef01\n"), 0640);
  auto out = LoadConfig(conf);
  EXPECT_THAT(
      Render(out.diags.errors),
      ElementsAre(conf + ": holds an inline psk but group or others may read it (mode 0640); "
                         "chmod 600 it (refused: secrets-permissions = refuse)"));
  chmod(conf.c_str(), 0600);
  EXPECT_TRUE(LoadConfig(conf).ok());
}

TEST_F(SecretFiles, MissingPskIsAnError) {
  Write("ikevpn.secrets", "[other]\nid = @z\npsk = 0x00112233445566778899aabbccddeeff\n", 0600);
  std::string conf = Write("ikevpn.conf", Config("refuse"), 0644);
  EXPECT_THAT(
      Render(LoadConfig(conf).diags.errors),
      ElementsAre(conf + ":3: connection 'c': no psk for local-id @a.example.org and remote-id "
                         "@b.example.org (set psk, or add one to the secrets file)"));
}

TEST_F(SecretFiles, MissingFiles) {
  std::string conf = Write("ikevpn.conf", Config("refuse"), 0644);
  EXPECT_THAT(Render(LoadConfig(conf).diags.errors),
              ElementsAre(dir_ + "/ikevpn.secrets: cannot open: No such file or directory"));
  EXPECT_THAT(Render(LoadConfig(dir_ + "/nope.conf").diags.errors),
              ElementsAre(dir_ + "/nope.conf: cannot open: No such file or directory"));
}

TEST_F(SecretFiles, CheckConfigPrintsAndReturnsExitCode) {
  Write("ikevpn.secrets", kSecrets, 0600);
  std::string good = Write("ikevpn.conf", Config("refuse"), 0644);
  std::ostringstream out;
  EXPECT_EQ(CheckConfig(good, out), 0);
  EXPECT_EQ(out.str(), good + ": OK, 1 connection\n");
  std::string bad = Write(
      "bad.conf", "[c]\nauth = psk\npsk = 0123456789abcdef01\nmode = x\ndns = 192.0.2.1\n", 0600);
  std::ostringstream out2;
  EXPECT_EQ(CheckConfig(bad, out2), 1);
  EXPECT_EQ(out2.str(),
            bad + ":5: warning: dns is only sent along with a pool address; set pool\n" + bad +
                ":4: mode: unknown value 'x' (valid: tunnel, transport)\n" + bad + ": 1 error\n");
}

// The daemon's file checks (cert, key, ca) report at the connection's
// section line and make the config unusable.
TEST_F(SecretFiles, CheckConfigReportsExtraErrorsAtTheirConnection) {
  Write("ikevpn.secrets", kSecrets, 0600);
  std::string conf = Write("ikevpn.conf", Config("refuse"), 0644);
  std::ostringstream out;
  int rc = CheckConfig(conf, out, [](const ikevpn::config::Config& c) {
    return std::vector<ConnectionError>{{c.connections.at(0).name, "cannot read /nope.pem"}};
  });
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(out.str(), conf + ":3: connection 'c': cannot read /nope.pem\n" + conf + ": 1 error\n");
  std::ostringstream fine;
  EXPECT_EQ(CheckConfig(conf, fine, [](const ikevpn::config::Config&) { return std::vector<ConnectionError>{}; }), 0);
}

}  // namespace
}  // namespace ikevpn::config
