#include "ctl/json_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace ikevpn::ctl {
namespace {

TEST(JsonWriterTest, NestedObjectsAndArrays) {
  JsonWriter w;
  w.BeginObject();
  w.Key("name").String("office");
  w.Key("up").Bool(true);
  w.Key("ids").BeginArray().Uint(1).Uint(2).EndArray();
  w.Key("empty").BeginObject().EndObject();
  w.Key("list").BeginArray().BeginObject().Key("a").Null().EndObject().BeginArray().EndArray().EndArray();
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"name":"office","up":true,"ids":[1,2],"empty":{},"list":[{"a":null},[]]})");
}

TEST(JsonWriterTest, NumbersKeepTheirRange) {
  JsonWriter w;
  w.BeginArray()
      .Uint(std::numeric_limits<uint64_t>::max())
      .Int(std::numeric_limits<int64_t>::min())
      .Int(-1)
      .Double(0.5)
      .Double(std::numeric_limits<double>::infinity())
      .EndArray();
  EXPECT_EQ(w.str(), "[18446744073709551615,-9223372036854775808,-1,0.5,null]");
}

TEST(JsonWriterTest, EscapesStrings) {
  EXPECT_EQ(JsonQuote("plain"), R"("plain")");
  EXPECT_EQ(JsonQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonQuote("l1\nl2\tx\r"), R"("l1\nl2\tx\r")");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(JsonQuote(std::string("nul\0x", 5)), R"("nul\u0000x")");
  EXPECT_EQ(JsonQuote("\xc3\xa9t\xc3\xa9"), "\"\xc3\xa9t\xc3\xa9\"");  // UTF-8 passes through
  EXPECT_EQ(JsonQuote("</script>"), R"("</script>")");
}

TEST(JsonWriterTest, TopLevelScalar) {
  JsonWriter w;
  w.String("x");
  EXPECT_EQ(w.str(), R"("x")");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  JsonWriter w;
  w.BeginObject().Key("a\"b").Int(1).Key("c").Int(2).EndObject();
  EXPECT_EQ(w.str(), R"({"a\"b":1,"c":2})");
}

}  // namespace
}  // namespace ikevpn::ctl
