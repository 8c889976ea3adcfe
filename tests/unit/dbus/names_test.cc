#include "dbus/names.h"

#include <gtest/gtest.h>

namespace ikevpn::dbus {
namespace {

TEST(PathElementTest, LettersAndDigitsStay) {
  EXPECT_EQ(EscapePathElement("office"), "office");
  EXPECT_EQ(EscapePathElement("site2"), "site2");
}

TEST(PathElementTest, OtherBytesAreEscaped) {
  EXPECT_EQ(EscapePathElement("home-lab"), "home_2dlab");
  EXPECT_EQ(EscapePathElement("a_b"), "a_5fb");
  EXPECT_EQ(EscapePathElement("1st"), "_31st");  // a leading digit too
  EXPECT_EQ(EscapePathElement(""), "_");
  EXPECT_EQ(EscapePathElement("\xc3\xa9"), "_c3_a9");
}

TEST(PathElementTest, RoundTrips) {
  for (std::string s : {"office", "home-lab", "a_b", "1st", "", "x.y/z", "\xc3\xa9t\xc3\xa9", "_"}) {
    auto back = UnescapePathElement(EscapePathElement(s));
    ASSERT_TRUE(back.has_value()) << s;
    EXPECT_EQ(*back, s);
  }
}

TEST(PathElementTest, RejectsInvalidEscapes) {
  EXPECT_FALSE(UnescapePathElement("").has_value());
  EXPECT_FALSE(UnescapePathElement("a_2").has_value());
  EXPECT_FALSE(UnescapePathElement("a_zz").has_value());
  EXPECT_FALSE(UnescapePathElement("a_2D").has_value());  // only lower-case hex is produced
  EXPECT_FALSE(UnescapePathElement("1a").has_value());
  EXPECT_FALSE(UnescapePathElement("a-b").has_value());
}

TEST(ObjectPathTest, Layout) {
  EXPECT_EQ(ConnectionPath("home-lab"), "/net/ikevpn/Daemon1/connection/home_2dlab");
  EXPECT_EQ(IkeSaPath(7), "/net/ikevpn/Daemon1/ike_sa/7");
  EXPECT_EQ(ChildSaPath(18446744073709551615ULL), "/net/ikevpn/Daemon1/child_sa/18446744073709551615");
}

}  // namespace
}  // namespace ikevpn::dbus
