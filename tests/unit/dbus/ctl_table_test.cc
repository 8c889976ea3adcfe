#include "ctl/table.h"

#include <gtest/gtest.h>

namespace ikevpn::ctl {
namespace {

TEST(TableTest, AlignsColumnsWithoutTrailingSpaces) {
  Table t({"NAME", "STATE", "IF_ID"});
  t.AddRow({"office", "up", "1"});
  t.AddRow({"a", "connecting", "12"});
  EXPECT_EQ(t.Render(),
            "NAME    STATE       IF_ID\n"
            "office  up          1\n"
            "a       connecting  12\n");
}

TEST(TableTest, MissingAndEmptyCells) {
  Table t({"A", "B", "C"});
  t.AddRow({"x"});
  t.AddRow({"", "", "z"});
  EXPECT_EQ(t.Render(),
            "A  B  C\n"
            "x\n"
            "      z\n");
}

TEST(TableTest, ExtraCellsWidenTheTable) {
  Table t({"A"});
  t.AddRow({"1", "extra"});
  EXPECT_EQ(t.Render(), "A\n1  extra\n");
}

TEST(TableTest, HeaderlessWithIndent) {
  Table t;
  EXPECT_TRUE(t.empty());
  t.AddRow({"interface", "ipsec0"});
  t.AddRow({"ike", "aes256gcm16"});
  EXPECT_EQ(t.Render("  "),
            "  interface  ipsec0\n"
            "  ike        aes256gcm16\n");
}

TEST(TableTest, WidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth("caf\xc3\xa9"), 4u);
  Table t({"N", "X"});
  t.AddRow({"caf\xc3\xa9", "1"});
  t.AddRow({"abcd", "2"});
  EXPECT_EQ(t.Render(), "N     X\ncaf\xc3\xa9  1\nabcd  2\n");
}

}  // namespace
}  // namespace ikevpn::ctl
