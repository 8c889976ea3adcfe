#include "daemon/config/values.h"

#include <gtest/gtest.h>

#include "daemon/base/if_id.h"

namespace ikevpn::config {
namespace {

using ike::IdType;

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(Values, Unquote) {
  EXPECT_EQ(*Unquote("plain"), "plain");
  EXPECT_EQ(*Unquote("\"a b\""), "a b");
  EXPECT_EQ(*Unquote(R"("say \"hi\" \\o/")"), R"(say "hi" \o/)");
  EXPECT_EQ(*Unquote("\"\""), "");
  EXPECT_EQ(Unquote("\"open").status().message(), "unterminated quote");
  EXPECT_EQ(Unquote("\"a\"b\"").status().message(), "unescaped '\"' inside quotes (write \\\")");
  EXPECT_EQ(Unquote(R"("a\n")").status().message(), "unknown escape '\\n'");
}

TEST(Values, Bool) {
  for (auto t : {"yes", "true", "on", "1"}) EXPECT_TRUE(*ParseBool(t)) << t;
  for (auto f : {"no", "false", "off", "0"}) EXPECT_FALSE(*ParseBool(f)) << f;
  EXPECT_EQ(ParseBool("maybe").status().message(), "expected yes or no, got 'maybe'");
}

TEST(Values, Uint) {
  EXPECT_EQ(*ParseUint("42", 0, 100), 42u);
  EXPECT_EQ(ParseUint("101", 0, 100).status().message(), "'101' is out of range 0..100");
  EXPECT_EQ(ParseUint("99999999999999999999999", 0, 100).status().message(),
            "'99999999999999999999999' is out of range 0..100");
  EXPECT_EQ(ParseUint("-1", 0, 100).status().message(), "expected a number, got '-1'");
  EXPECT_EQ(ParseUint("", 0, 100).status().message(), "expected a number, got ''");
  EXPECT_EQ(ParseUint("1x", 0, 100).status().message(), "expected a number, got '1x'");
}

TEST(Values, Durations) {
  EXPECT_EQ(*ParseDuration("90"), Millis(90'000));
  EXPECT_EQ(*ParseDuration("500ms"), Millis(500));
  EXPECT_EQ(*ParseDuration("30s"), Millis(30'000));
  EXPECT_EQ(*ParseDuration("5m"), Millis(300'000));
  EXPECT_EQ(*ParseDuration("2h"), Millis(7'200'000));
  EXPECT_EQ(*ParseDuration("7d"), Millis(604'800'000));
  EXPECT_EQ(*ParseSeconds("7d"), Seconds(604'800));
  EXPECT_EQ(ParseSeconds("1500ms").status().message(), "duration '1500ms' must be whole seconds");
  EXPECT_EQ(ParseDuration("5 m").status().message(),
            "expected a duration such as 30s, 5m, 2h or 7d, got '5 m'");
  EXPECT_EQ(ParseDuration("s").status().message(),
            "expected a duration such as 30s, 5m, 2h or 7d, got 's'");
  EXPECT_EQ(ParseDuration("4000d").status().message(), "duration '4000d' is longer than ten years");
}

TEST(Values, Hosts) {
  auto any = ParseHost("%any");
  EXPECT_TRUE(any->is_any());
  EXPECT_TRUE(any->address.is_none());
  EXPECT_TRUE(ParseHost("%any6")->address.is_v6());
  EXPECT_TRUE(ParseHost("%any4")->address.is_v4());
  auto lit = ParseHost("2001:db8::1");
  EXPECT_EQ(lit->kind, Host::Kind::kAddress);
  EXPECT_EQ(lit->address, *IpAddress::Parse("2001:db8::1"));
  auto name = ParseHost("vpn.example.org");
  EXPECT_EQ(name->kind, Host::Kind::kHostname);
  EXPECT_EQ(name->text, "vpn.example.org");
  EXPECT_TRUE(name->address.is_none());
  for (auto bad : {"-bad.example", "a..b", "under_score", "%all", "1.2.3.4/24"}) {
    EXPECT_FALSE(ParseHost(bad).ok()) << bad;
  }
}

TEST(Values, Identities) {
  auto fqdn = ParseIdentity("@gw.example.org");
  EXPECT_EQ(fqdn->type, IdType::kFqdn);
  EXPECT_EQ(fqdn->data, B("gw.example.org"));
  EXPECT_EQ(fqdn->text, "@gw.example.org");
  auto plain = ParseIdentity("gw.example.org");
  EXPECT_EQ(plain->type, IdType::kFqdn);
  EXPECT_TRUE(plain->Matches(*fqdn));
  auto mail = ParseIdentity("alice@example.org");
  EXPECT_EQ(mail->type, IdType::kRfc822Addr);
  EXPECT_EQ(mail->data, B("alice@example.org"));
  auto v4 = ParseIdentity("192.0.2.1");
  EXPECT_EQ(v4->type, IdType::kIpv4Addr);
  EXPECT_EQ(v4->data, (Bytes{192, 0, 2, 1}));
  auto v6 = ParseIdentity("2001:db8::1");
  EXPECT_EQ(v6->type, IdType::kIpv6Addr);
  EXPECT_EQ(v6->data.size(), 16u);
  auto dn = ParseIdentity("C=CH, O=Org, CN=x");
  EXPECT_EQ(dn->type, IdType::kDerAsn1Dn);
  EXPECT_TRUE(dn->data.empty());
  EXPECT_EQ(dn->text, "C=CH, O=Org, CN=x");
  EXPECT_TRUE(dn->Matches(*ParseIdentity("C=CH,O=Org,CN=x")));
  EXPECT_FALSE(dn->Matches(*ParseIdentity("C=CH, O=Org, CN=y")));
  auto keyid = ParseIdentity("keyid:0a0B10");
  EXPECT_EQ(keyid->type, IdType::kKeyId);
  EXPECT_EQ(keyid->data, (Bytes{0x0a, 0x0b, 0x10}));
  auto gn = ParseIdentity("asn1gn:3000");
  EXPECT_EQ(gn->type, IdType::kDerAsn1Gn);
  EXPECT_EQ(gn->data, (Bytes{0x30, 0x00}));
  EXPECT_EQ(ParseIdentity("keyid:xyz").status().message(), "bad hex in keyid");
  EXPECT_EQ(ParseIdentity("@").status().message(), "empty name after '@'");
  EXPECT_EQ(ParseIdentity("two words").status().message(),
            "identity 'two words' contains spaces but is not a DN");
  EXPECT_EQ(ParseIdentity("=x").status().message(),
            "distinguished name '=x' must start with ATTR=value");
}

TEST(Values, TrafficSelectorLists) {
  auto ts = ParseTsList("10.1.0.0/16, 2001:db8::/32[tcp/443], 10.0.0.1-10.0.0.9");
  ASSERT_TRUE(ts.ok()) << ts.status().ToString();
  EXPECT_FALSE(ts->dynamic);
  ASSERT_EQ(ts->selectors.size(), 3u);
  EXPECT_EQ(ts->selectors[1].ip_protocol, 6);
  EXPECT_EQ(ts->selectors[1].start_port, 443);
  EXPECT_TRUE(ParseTsList("dynamic")->dynamic);
  EXPECT_EQ(ParseTsList("10.1.0.0/33").status().message(),
            "bad traffic selector '10.1.0.0/33' (want 10.0.0.0/8, 10.0.0.1-10.0.0.9, "
            "10.0.0.0/8[udp/53] or dynamic)");
  EXPECT_EQ(ParseTsList("10.0.0.0/8,,10.1.0.0/16").status().message(), "empty item in list");
}

TEST(Values, Pools) {
  auto pools = ParsePools("10.9.0.0/24, 10.9.1.10-10.9.1.99, fd00:9::/120");
  ASSERT_TRUE(pools.ok()) << pools.status().ToString();
  ASSERT_EQ(pools->size(), 3u);
  EXPECT_EQ((*pools)[0].ToString(), "10.9.0.0-10.9.0.255");
  EXPECT_EQ((*pools)[1].ToString(), "10.9.1.10-10.9.1.99");
  EXPECT_EQ((*pools)[2].ToString(), "fd00:9::-fd00:9::ff");
  EXPECT_EQ(ParsePools("10.0.0.9-10.0.0.1").status().message(),
            "pool range '10.0.0.9-10.0.0.1' ends before it starts");
  EXPECT_EQ(ParsePools("10.0.0.1-fd00::1").status().message(),
            "pool range '10.0.0.1-fd00::1' mixes IPv4 and IPv6");
  EXPECT_EQ(ParsePools("nonsense").status().message(),
            "bad pool 'nonsense' (want a CIDR prefix or first-last)");
}

TEST(Values, Secrets) {
  auto hex = ParseSecret("0x00ff10");
  ASSERT_TRUE(hex.ok());
  EXPECT_TRUE(hex->Equals(Bytes{0x00, 0xff, 0x10}));
  auto text = ParseSecret("a secret");
  EXPECT_TRUE(text->Equals(B("a secret")));
  EXPECT_EQ(ParseSecret("0xabc").status().message(), "bad hex in secret");
  EXPECT_EQ(ParseSecret("").status().message(), "empty secret");
}

TEST(Values, InterfacesAndIfIds) {
  EXPECT_TRUE(CheckInterfaceName("ipsec0").ok());
  EXPECT_FALSE(CheckInterfaceName("a-very-long-name0").ok());
  EXPECT_FALSE(CheckInterfaceName("a/b").ok());
  EXPECT_FALSE(CheckInterfaceName("..").ok());
  // ipsecN -> 0x10000 + N: the range the xfrm backend owns and cleans up.
  EXPECT_EQ(*IfIdFromInterfaceName("ipsec0"), 0x10000u);
  EXPECT_EQ(*IfIdFromInterfaceName("ipsec41"), 0x10029u);
  EXPECT_EQ(*IfIdFromInterfaceName("7"), 0x10007u);
  EXPECT_EQ(*IfIdFromInterfaceName("ipsec65535"), 0x1ffffu);
  EXPECT_TRUE(kOwnedIfIds.Contains(*IfIdFromInterfaceName("ipsec0")));
  EXPECT_TRUE(kOwnedIfIds.Contains(*IfIdFromInterfaceName("ipsec65535")));
  EXPECT_EQ(IfIdFromInterfaceName("ipsec65536").status().message(),
            "interface number of 'ipsec65536' is above 65535; set if-id");
  EXPECT_EQ(IfIdFromInterfaceName("vpn").status().message(),
            "interface 'vpn' has no number to derive if-id from; set if-id");
  EXPECT_EQ(IfIdFromInterfaceName("x4294967295").status().message(),
            "interface number of 'x4294967295' is above 65535; set if-id");
}

TEST(Values, ExplicitIfIdsLieInTheOwnedRange) {
  EXPECT_EQ(*ParseIfId("65536"), 0x10000u);
  EXPECT_EQ(*ParseIfId("0x1ffff"), 0x1ffffu);
  EXPECT_EQ(*ParseIfId("0X10abc"), 0x10abcu);
  const std::string want = "expected an if_id from 65536 to 131071 (0x10000-0x1ffff, the range ikevpnd owns), got ";
  EXPECT_EQ(ParseIfId("0").status().message(), want + "'0'");
  EXPECT_EQ(ParseIfId("42").status().message(), want + "'42'");
  EXPECT_EQ(ParseIfId("65535").status().message(), want + "'65535'");
  EXPECT_EQ(ParseIfId("0x20000").status().message(), want + "'0x20000'");
  EXPECT_EQ(ParseIfId("4294967296").status().message(), want + "'4294967296'");
  EXPECT_EQ(ParseIfId("0x").status().message(), want + "'0x'");
  EXPECT_EQ(ParseIfId("7x").status().message(), want + "'7x'");
  EXPECT_EQ(ParseIfId("").status().message(), want + "''");
}

}  // namespace
}  // namespace ikevpn::config
