#include "daemon/config/ini_reader.h"

#include <gtest/gtest.h>

namespace ikevpn::config {
namespace {

TEST(IniReader, SectionsKeysLinesAndComments) {
  Diagnostics d;
  auto sections = ReadIni(
      "top = 1\n\n# comment\n[one]   # trailing\n  a = x # not part of x\r\n"
      "b=\"q\"\n[two]\nc =\n",
      "f", &d);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(sections.size(), 3u);
  EXPECT_EQ(sections[0].name, "");
  ASSERT_EQ(sections[0].entries.size(), 1u);
  EXPECT_EQ(sections[0].entries[0].line, 1);
  EXPECT_EQ(sections[1].name, "one");
  EXPECT_EQ(sections[1].line, 4);
  ASSERT_EQ(sections[1].entries.size(), 2u);
  EXPECT_EQ(sections[1].entries[0].key, "a");
  EXPECT_EQ(sections[1].entries[0].value, "x");
  EXPECT_EQ(sections[1].entries[0].line, 5);
  EXPECT_EQ(sections[1].entries[1].value, "\"q\"");
  EXPECT_EQ(sections[2].entries[0].value, "");
  EXPECT_EQ(sections[2].entries[0].line, 8);
}

TEST(IniReader, RepeatedSectionsStaySeparate) {
  Diagnostics d;
  auto sections = ReadIni("[a]\nx = 1\n[a]\nx = 2\n", "f", &d);
  ASSERT_EQ(sections.size(), 3u);
  EXPECT_EQ(sections[1].entries[0].value, "1");
  EXPECT_EQ(sections[2].entries[0].value, "2");
  EXPECT_EQ(sections[2].line, 3);
}

TEST(IniReader, EmptyAndOddInput) {
  Diagnostics d;
  EXPECT_EQ(ReadIni("", "f", &d).size(), 1u);
  EXPECT_EQ(ReadIni(std::string_view("\0\n[\0]\n= x\n", 10), "f", &d).size(), 1u);
  ASSERT_EQ(d.errors.size(), 3u);
  EXPECT_EQ(d.errors[2].ToString(), "f:3: empty key");
}

TEST(IniReader, ValuesMayHoldEqualsSigns) {
  Diagnostics d;
  auto sections = ReadIni("[c]\nremote-id = C=CH, O=x\n", "f", &d);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(sections[1].entries[0].value, "C=CH, O=x");
}

}  // namespace
}  // namespace ikevpn::config
