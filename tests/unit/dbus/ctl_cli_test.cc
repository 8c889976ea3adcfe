#include "ctl/cli.h"

#include <gtest/gtest.h>

namespace ikevpn::ctl {
namespace {

std::optional<std::string> Parse(std::vector<const char*> args, Options* out) {
  args.insert(args.begin(), "ikevpnctl");
  return ParseOptions(static_cast<int>(args.size()), args.data(), out);
}

TEST(CliTest, Defaults) {
  Options o;
  ASSERT_EQ(Parse({"list"}, &o), std::nullopt);
  EXPECT_EQ(o.command, "list");
  EXPECT_EQ(o.bus, "system");
  EXPECT_FALSE(o.json);
  EXPECT_EQ(o.timeout_seconds, 30);
}

TEST(CliTest, OptionsAnywhere) {
  Options o;
  ASSERT_EQ(Parse({"up", "office", "--wait", "--json", "--bus", "session", "--timeout", "2.5"}, &o),
            std::nullopt);
  EXPECT_EQ(o.command, "up");
  EXPECT_EQ(o.args, std::vector<std::string>{"office"});
  EXPECT_TRUE(o.wait);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(o.bus, "session");
  EXPECT_EQ(o.timeout_seconds, 2.5);
}

TEST(CliTest, ArgumentCounts) {
  Options o;
  EXPECT_NE(Parse({"up"}, &o), std::nullopt);
  Options o2;
  EXPECT_NE(Parse({"down", "a", "b"}, &o2), std::nullopt);
  Options o3;
  EXPECT_EQ(Parse({"status"}, &o3), std::nullopt);
  Options o4;
  EXPECT_EQ(Parse({"status", "office"}, &o4), std::nullopt);
  Options o5;
  EXPECT_NE(Parse({"list", "extra"}, &o5), std::nullopt);
}

TEST(CliTest, UsageErrorsSayWhatIsWrong) {
  Options o;
  EXPECT_EQ(Parse({}, &o), "no command given");
  Options o2;
  EXPECT_EQ(Parse({"frobnicate"}, &o2), "unknown command 'frobnicate'");
  Options o3;
  EXPECT_EQ(Parse({"up"}, &o3), "wrong arguments; usage: ikevpnctl up NAME [--wait]");
  Options o4;
  EXPECT_EQ(Parse({"down", "x", "--wait"}, &o4), "--wait only applies to up");
  Options o5;
  EXPECT_EQ(Parse({"list", "--count", "3"}, &o5), "--count only applies to monitor");
  Options o6;
  EXPECT_EQ(Parse({"list", "--timeout", "0"}, &o6), "--timeout must be a positive number of seconds");
  Options o7;
  auto unknown = Parse({"list", "--bogus"}, &o7);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_NE(unknown->find("bogus"), std::string::npos);
  Options o8;
  EXPECT_TRUE(Parse({"list", "--timeout", "soon"}, &o8).has_value());
}

TEST(CliTest, HelpNeedsNoCommand) {
  Options o;
  ASSERT_EQ(Parse({"--help"}, &o), std::nullopt);
  EXPECT_TRUE(o.help);
  EXPECT_NE(UsageText().find("4 ikevpnd not reachable or access denied"), std::string::npos);
}

TEST(CliTest, MonitorCount) {
  Options o;
  ASSERT_EQ(Parse({"monitor", "--count", "3"}, &o), std::nullopt);
  EXPECT_EQ(o.count, 3u);
}

}  // namespace
}  // namespace ikevpn::ctl
