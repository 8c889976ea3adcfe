#include "ctl/render.h"

#include <gtest/gtest.h>

namespace ikevpn::ctl {
namespace {

constexpr int64_t kNow = 1700000000;

Dict Connection(const std::string& name, const std::string& state) {
  return {{"name", sdbus::Variant(name)},
          {"state", sdbus::Variant(state)},
          {"interface", sdbus::Variant(std::string("ipsec0"))},
          {"if_id", sdbus::Variant(uint32_t{1})},
          {"remote_addrs", sdbus::Variant(std::vector<std::string>{"192.0.2.1", "192.0.2.2"})},
          {"local_ts", sdbus::Variant(std::vector<std::string>{"10.0.0.0/24"})},
          {"remote_ts", sdbus::Variant(std::vector<std::string>{"10.1.0.0/16"})},
          {"ike_sas", sdbus::Variant(uint32_t{1})},
          {"child_sas", sdbus::Variant(uint32_t{2})}};
}

TEST(FormatTest, Durations) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(59), "59s");
  EXPECT_EQ(FormatDuration(60), "1m");
  EXPECT_EQ(FormatDuration(185), "3m 5s");
  EXPECT_EQ(FormatDuration(7800), "2h 10m");
  EXPECT_EQ(FormatDuration(3 * 86400 + 4 * 3600 + 5), "3d 4h");
  EXPECT_EQ(FormatRelative(0, kNow), "-");
  EXPECT_EQ(FormatRelative(kNow - 300, kNow), "5m ago");
  EXPECT_EQ(FormatRelative(kNow + 7800, kNow), "in 2h 10m");
}

TEST(FormatTest, Bytes) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(5ULL << 30), "5.0 GiB");
}

TEST(RenderTest, ConnectionsTable) {
  EXPECT_EQ(RenderConnections({Connection("office", "up"), Connection("b", "down")}),
            "NAME    STATE  INTERFACE  IF_ID  REMOTE               IKE_SAS  CHILD_SAS\n"
            "office  up     ipsec0     1      192.0.2.1,192.0.2.2  1        2\n"
            "b       down   ipsec0     1      192.0.2.1,192.0.2.2  1        2\n");
  EXPECT_EQ(RenderConnections({}), "no connections configured\n");
}

TEST(RenderTest, MissingKeysDoNotBreakTheTable) {
  Dict sparse{{"name", sdbus::Variant(std::string("x"))}, {"if_id", sdbus::Variant(std::string("oops"))}};
  EXPECT_EQ(RenderConnections({sparse}),
            "NAME  STATE  INTERFACE  IF_ID  REMOTE  IKE_SAS  CHILD_SAS\n"
            "x            -          0      -       0        0\n");
}

TEST(RenderTest, StatusBlock) {
  Dict ike{{"id", sdbus::Variant(uint64_t{1})},
           {"connection", sdbus::Variant(std::string("office"))},
           {"state", sdbus::Variant(std::string("ESTABLISHED"))},
           {"local_address", sdbus::Variant(std::string("198.51.100.7:4500"))},
           {"remote_address", sdbus::Variant(std::string("192.0.2.1:4500"))},
           {"algorithms", sdbus::Variant(std::string("AES_GCM_16_256"))},
           {"spi_i", sdbus::Variant(uint64_t{0x1122334455667788})},
           {"spi_r", sdbus::Variant(uint64_t{0x99})},
           {"established", sdbus::Variant(int64_t{kNow - 60})},
           {"rekey_time", sdbus::Variant(int64_t{kNow + 3600})}};
  std::string out = RenderStatus(Connection("office", "up"), {ike}, {}, kNow);
  EXPECT_EQ(out.substr(0, out.find('\n')), "office: up");
  EXPECT_NE(out.find("  interface  ipsec0 (if_id 1)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  traffic    10.0.0.0/24 === 10.1.0.0/16\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  IKE_SA 1: ESTABLISHED, 198.51.100.7:4500 <-> 192.0.2.1:4500, AES_GCM_16_256\n"),
            std::string::npos) << out;
  EXPECT_NE(out.find("SPIs 1122334455667788_i 0000000000000099_r, established 1m ago, rekey in 1h"),
            std::string::npos) << out;
}

// "(NAT)" marks a detected NAT only; UDP encapsulation is said apart.
TEST(RenderTest, NatAndUdpEncapsulationAreShownApart) {
  auto ike = [](bool nat_remote, bool udp_encap) {
    return Dict{{"id", sdbus::Variant(uint64_t{1})},
                {"state", sdbus::Variant(std::string("ESTABLISHED"))},
                {"local_address", sdbus::Variant(std::string("192.0.2.2:4500"))},
                {"remote_address", sdbus::Variant(std::string("198.51.100.7:34500"))},
                {"algorithms", sdbus::Variant(std::string("AES_GCM_16_256"))},
                {"nat_local", sdbus::Variant(false)},
                {"nat_remote", sdbus::Variant(nat_remote)},
                {"udp_encap", sdbus::Variant(udp_encap)}};
  };
  std::string nat = RenderStatus(Connection("office", "up"), {ike(true, true)}, {}, kNow);
  EXPECT_NE(nat.find("  IKE_SA 1: ESTABLISHED, 192.0.2.2:4500 <-> 198.51.100.7:34500 (NAT), AES_GCM_16_256, "
                     "ESP in UDP\n"),
            std::string::npos)
      << nat;
  std::string forced = RenderStatus(Connection("office", "up"), {ike(false, true)}, {}, kNow);
  EXPECT_EQ(forced.find("(NAT)"), std::string::npos) << forced;
  EXPECT_NE(forced.find("AES_GCM_16_256, ESP in UDP\n"), std::string::npos) << forced;
  std::string table = RenderSas({ike(true, true)}, {}, kNow);
  EXPECT_NE(table.find("192.0.2.2:4500  198.51.100.7:34500 (NAT)"), std::string::npos) << table;
  EXPECT_EQ(RenderSas({ike(false, true)}, {}, kNow).find("(NAT)"), std::string::npos);
}

TEST(RenderTest, SasTables) {
  Dict child{{"id", sdbus::Variant(uint64_t{2})},
             {"ike_sa_id", sdbus::Variant(uint64_t{1})},
             {"connection", sdbus::Variant(std::string("office"))},
             {"state", sdbus::Variant(std::string("INSTALLED"))},
             {"mode", sdbus::Variant(std::string("tunnel"))},
             {"spi_in", sdbus::Variant(uint32_t{0xc0000002})},
             {"spi_out", sdbus::Variant(uint32_t{0xd})},
             {"bytes_in", sdbus::Variant(uint64_t{2048})}};
  std::string out = RenderSas({}, {child}, kNow);
  EXPECT_NE(out.find("IKE_SAs:\n  none\nCHILD_SAs:\n  ID  IKE_SA"), std::string::npos) << out;
  EXPECT_NE(out.find("  2   1       office      INSTALLED  tunnel  c0000002  0000000d"), std::string::npos)
      << out;
  EXPECT_NE(out.find("2.0 KiB"), std::string::npos);
  EXPECT_EQ(RenderSas({}, {}, kNow), "no SAs\n");
}

TEST(RenderTest, EventLine) {
  Dict details{{"state", sdbus::Variant(std::string("down"))},
               {"reason", sdbus::Variant(std::string("deleted by user"))},
               {"ike_sa_id", sdbus::Variant(uint64_t{4})},
               {"auth_failure", sdbus::Variant(false)}};
  EXPECT_EQ(RenderEvent("12:00:01", "connection_state", "office", details),
            "12:00:01  connection_state  office  auth_failure=false  ike_sa_id=4  "
            "reason=\"deleted by user\"  state=down\n");
  EXPECT_EQ(RenderEvent("12:00:02", "reloaded", "", {}), "12:00:02  reloaded  -\n");
}

TEST(ValuesTest, JsonOfDicts) {
  Dict d{{"s", sdbus::Variant(std::string("x\"y"))},
         {"u", sdbus::Variant(uint32_t{7})},
         {"t", sdbus::Variant(uint64_t{1} << 63)},
         {"x", sdbus::Variant(int64_t{-5})},
         {"b", sdbus::Variant(true)},
         {"as", sdbus::Variant(std::vector<std::string>{"a", "b"})},
         {"o", sdbus::Variant(sdbus::ObjectPath("/net/ikevpn/Daemon1"))},
         {"nested", sdbus::Variant(Dict{{"k", sdbus::Variant(std::string("v"))}})},
         {"odd", sdbus::Variant(std::vector<int32_t>{1})}};
  JsonWriter w;
  WriteJson(w, d);
  EXPECT_EQ(w.str(),
            R"({"as":["a","b"],"b":true,"nested":{"k":"v"},"o":"/net/ikevpn/Daemon1",)"
            R"("odd":"<ai>","s":"x\"y","t":9223372036854775808,"u":7,"x":-5})");
}

TEST(ValuesTest, TypedGettersTolerateMismatches) {
  Dict d{{"u", sdbus::Variant(uint32_t{7})}, {"s", sdbus::Variant(std::string("x"))}};
  EXPECT_EQ(GetUint(d, "u"), 7u);
  EXPECT_EQ(GetUint(d, "s"), 0u);
  EXPECT_EQ(GetString(d, "u"), "");
  EXPECT_EQ(GetString(d, "missing"), "");
  EXPECT_FALSE(GetBool(d, "s"));
  EXPECT_TRUE(GetStrings(d, "s").empty());
}

}  // namespace
}  // namespace ikevpn::ctl
