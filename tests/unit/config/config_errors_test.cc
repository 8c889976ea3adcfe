// Each error with its exact "file:line: what is wrong" text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/config/test_util.h"

namespace ikevpn::config {
namespace {

using ::testing::ElementsAre;
using testing::Errors;
using testing::Warnings;

TEST(ConfigErrors, UnknownKeysWithHints) {
  EXPECT_THAT(Errors("[c]\nauth = psk\nremot = 192.0.2.1\nfoo = 1\nport = 1\n"),
              ElementsAre("t.conf:3: unknown key 'remot' (did you mean 'remote'?)",
                          "t.conf:4: unknown key 'foo'",
                          "t.conf:5: unknown key 'port' here (it belongs in [global])"));
  EXPECT_THAT(
      Errors("[global]\nremote = x\nhalf-open-limt = 3\n"),
      ElementsAre("t.conf:2: unknown key 'remote' here (it belongs in a connection section)",
                  "t.conf:3: unknown key 'half-open-limt' (did you mean 'half-open-limit'?)"));
}

TEST(ConfigErrors, DuplicateKeysAndSections) {
  EXPECT_THAT(Errors("[c]\nauth = psk\nauth = pubkey\n"),
              ElementsAre("t.conf:3: duplicate key 'auth' (first set at line 2)"));
  EXPECT_THAT(Errors("[c]\nauth = psk\n\n[c]\nauth = psk\n"),
              ElementsAre("t.conf:4: duplicate connection 'c' (first defined at line 1)"));
  EXPECT_THAT(Errors("[global]\nport = 1\n[global]\nport = 2\n"),
              ElementsAre("t.conf:3: duplicate section [global] (first defined at line 1)"));
  EXPECT_THAT(Errors("log-level = info\n[global]\nlog-level = debug\n"),
              ElementsAre("t.conf:3: duplicate key 'log-level' (first set at line 1)"));
}

TEST(ConfigErrors, RoadWarriorKeys) {
  EXPECT_THAT(Errors("[c]\nauth = psk\nvirtual-ip = %any5\npool = 10.0.0.9-10.0.0.1\n"),
              ElementsAre("t.conf:3: virtual-ip: unknown value '%any5' (valid: yes, no, %any4, %any6)",
                          "t.conf:4: pool: pool range '10.0.0.9-10.0.0.1' ends before it starts"));
  auto v6 = testing::Parse("[c]\nauth = psk\nvirtual-ip = %any6, %any4\n");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6.config.connections[0].virtual_ip);
  EXPECT_EQ(v6.config.connections[0].virtual_ip_families,
            (std::vector<IpAddress::Family>{IpAddress::Family::kV6, IpAddress::Family::kV4}));
  auto yes = testing::Parse("[c]\nauth = psk\nvirtual-ip = yes\n");
  ASSERT_TRUE(yes.ok());
  EXPECT_EQ(yes.config.connections[0].virtual_ip_families, std::vector<IpAddress::Family>{IpAddress::Family::kV4});
}

TEST(ConfigErrors, BadValues) {
  EXPECT_THAT(
      Errors(R"([c]
auth = password
dpd-action = kill
dpd-delay = soon
remote = not_a_host
if-id = 0
ike = aes256gcm16-sha256-x25519
mobike = maybe
local-id = "unterminated
)"),
      ElementsAre("t.conf:2: auth: unknown value 'password' (valid: psk, pubkey)",
                  "t.conf:3: dpd-action: unknown value 'kill' (valid: clear, restart, trap)",
                  "t.conf:4: dpd-delay: expected a duration such as 30s, 5m, 2h or 7d, got 'soon'",
                  "t.conf:5: remote: expected %any, an IP address or a host name, got 'not_a_host'",
                  "t.conf:6: if-id: expected an if_id from 65536 to 131071 (0x10000-0x1ffff, the range "
                  "ikevpnd owns), got '0'",
                  "t.conf:7: ike: AEAD aes256gcm16 takes no integrity algorithm (sha256) in "
                  "proposal 'aes256gcm16-sha256-x25519'",
                  "t.conf:8: mobike: expected yes or no, got 'maybe'",
                  "t.conf:9: local-id: unterminated quote"));
  EXPECT_THAT(
      Errors("port = 0\nretransmit-base = 9\nlog-level = loud\ninterface-pool = a1-b9\n"),
      ElementsAre("t.conf:1: port: '0' is out of range 1..65535",
                  "t.conf:2: retransmit-base: expected a number from 1.0 to 4.0, got '9'",
                  "t.conf:3: log-level: bad item 'loud' (want LEVEL or SUBSYS=LEVEL; levels "
                  "error,warn,info,debug,trace; subsystems daemon,ike,net,cfg,knl,esp,if,ctl)",
                  "t.conf:4: interface-pool: both ends need the same name and a number, e.g. "
                  "ipsec100-ipsec199"));
  // Pool interfaces derive their if_id (0x10000 + N) like any other.
  EXPECT_THAT(Errors("interface-pool = ipsec65000-ipsec70000\n"),
              ElementsAre("t.conf:1: interface-pool: '70000' is out of range 0..65535"));
}

TEST(ConfigErrors, MissingRequiredKeys) {
  EXPECT_THAT(Errors("[c]\nremote = 192.0.2.1\n"),
              ElementsAre("t.conf:1: connection 'c': auth is required (psk or pubkey)"));
  EXPECT_THAT(
      Errors("[c]\nauth = psk\nstart-action = start\n"),
      ElementsAre("t.conf:1: connection 'c': remote is required when start-action = start"));
  EXPECT_THAT(Errors("[c]\nauth = psk\nremote = %any\nstart-action = trap\n"),
              ElementsAre("t.conf:3: remote = %any cannot be initiated to (start-action = trap)"));
  EXPECT_THAT(Errors("[c]\nauth = pubkey\n"),
              ElementsAre("t.conf:1: connection 'c': auth = pubkey needs cert",
                          "t.conf:1: connection 'c': auth = pubkey needs key",
                          "t.conf:1: connection 'c': remote-auth = pubkey needs ca"));
}

TEST(ConfigErrors, ConflictingKeys) {
  EXPECT_THAT(Errors("[c]\nauth = psk\ncert = /a.pem\nca = /ca.pem\n"),
              ElementsAre("t.conf:3: cert is set but auth = psk",
                          "t.conf:4: ca is set but remote-auth = psk"));
  EXPECT_THAT(Errors("[c]\nauth = pubkey\ncert = /a\nkey = /k\nca = /c\npsk = 0123456789abcdef0\n"),
              ElementsAre("t.conf:6: psk is set but neither auth nor remote-auth is psk"));
  EXPECT_THAT(Errors("[c]\nauth = psk\npool = 10.0.0.0/24\nvirtual-ip = yes\n"),
              ElementsAre("t.conf:4: virtual-ip = yes (request an address) and pool (hand out "
                          "addresses) exclude each other"));
  EXPECT_THAT(
      Errors("[c]\nauth = psk\nlocal = 192.0.2.1\nremote = 2001:db8::1\n"),
      ElementsAre("t.conf:4: remote 2001:db8::1 and local 192.0.2.1 are of different IP versions"));
  EXPECT_THAT(
      Errors("[c]\nauth = psk\nif-id = 65541\n"),
      ElementsAre(
          "t.conf:3: if-id needs interface (pool interfaces get their if_id with the interface)"));
  EXPECT_THAT(
      Errors("[c]\nauth = psk\ninterface = vpn\n"),
      ElementsAre(
          "t.conf:3: interface: interface 'vpn' has no number to derive if-id from; set if-id"));
  EXPECT_THAT(
      Errors("[c]\nauth = psk\nchild-lifetime = 10m\nchild-rekey-margin = 8m\n"),
      ElementsAre("t.conf:4: child-rekey-margin (480s) plus child-rekey-jitter (120s) must be "
                  "shorter than child-lifetime (600s)"));
  EXPECT_THAT(Errors("half-open-limit = 10\ncookie-threshold = 20\nport-nat-t = 500\n"),
              ElementsAre("t.conf:2: cookie-threshold (20) must not exceed half-open-limit (10)",
                          "t.conf:3: port and port-nat-t must differ (both 500)"));
}

TEST(ConfigErrors, IfIdsAcrossConnections) {
  EXPECT_THAT(
      Errors(R"([a]
auth = psk
interface = ipsec0
[b]
auth = psk
interface = ipsec9
if-id = 0x10000
[c]
auth = psk
interface = ipsec0
if-id = 65543
[d]
auth = psk
interface = ipsec0
)"),
      ElementsAre("t.conf:7: if_id 65536 of interface ipsec9 is already used by interface ipsec0 "
                  "(connection 'a', line 3)",
                  "t.conf:11: interface ipsec0 has if_id 65543 here but 65536 in connection 'a', line 3"));
}

TEST(ConfigErrors, SyntaxErrorsDoNotHideOthers) {
  EXPECT_THAT(
      Errors("[c\nauth = psk\njust words\n[]\n[a.b]\nbad key = 1\n[d]\nauth = psk\nmode = tunel\n"),
      ElementsAre("t.conf:1: section header without closing ']'",
                  "t.conf:3: expected 'key = value' or '[section]', got 'just words'",
                  "t.conf:4: empty section name",
                  "t.conf:5: section name 'a.b' may only contain letters, digits, '-' and '_'",
                  "t.conf:6: key 'bad key' may only contain letters, digits, '-' and '_'",
                  "t.conf:9: mode: unknown value 'tunel' (valid: tunnel, transport)"));
}

TEST(ConfigErrors, AllErrorsOfAllSectionsAreCollected) {
  auto errors = Errors("[a]\nauth = x\n[b]\nauth = y\n[a]\nauth = z\n");
  EXPECT_THAT(errors, ElementsAre("t.conf:5: duplicate connection 'a' (first defined at line 1)",
                                  "t.conf:2: auth: unknown value 'x' (valid: psk, pubkey)",
                                  "t.conf:4: auth: unknown value 'y' (valid: psk, pubkey)",
                                  "t.conf:6: auth: unknown value 'z' (valid: psk, pubkey)"));
}

TEST(ConfigErrors, Warnings) {
  EXPECT_THAT(Warnings("[c]\nauth = psk\npsk = short\ndns = 192.0.2.53\nreauth-interval = 1h\n"),
              ElementsAre("t.conf:3: psk is shorter than 16 bytes and easy to guess offline",
                          "t.conf:4: dns is only sent along with a pool address; set pool",
                          "t.conf:5: reauth-interval has no effect without reauth = yes"));
}

TEST(ConfigErrors, StatusJoinsAllErrors) {
  auto out = testing::Parse("[c]\nauth = x\n[d]\n");
  Status s = out.diags.ToStatus();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "t.conf:2: auth: unknown value 'x' (valid: psk, pubkey)\n"
            "t.conf:3: connection 'd': auth is required (psk or pubkey)");
  EXPECT_TRUE(testing::Parse("").diags.ToStatus().ok());
}

}  // namespace
}  // namespace ikevpn::config
