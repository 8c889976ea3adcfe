#include "daemon/base/bytes.h"

#include <gtest/gtest.h>

namespace ikevpn {
namespace {

TEST(ByteReader, ReadsNetworkOrderAndStopsAtTheBound) {
  const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  ByteReader r(data);
  uint16_t a;
  uint32_t b;
  ASSERT_TRUE(r.ReadU16(&a));
  EXPECT_EQ(a, 0x0102);
  ASSERT_TRUE(r.ReadU32(&b));
  EXPECT_EQ(b, 0x03040506u);
  EXPECT_EQ(r.remaining(), 1u);
  // A failed read leaves the reader unchanged.
  EXPECT_FALSE(r.ReadU16(&a));
  EXPECT_EQ(r.remaining(), 1u);
  ByteSpan s;
  EXPECT_FALSE(r.ReadSpan(2, &s));
  EXPECT_TRUE(r.ReadSpan(1, &s));
  EXPECT_EQ(s[0], 0x07);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReader, SubReaderIsBounded) {
  const uint8_t data[] = {1, 2, 3, 4};
  ByteReader r(data);
  ByteReader sub;
  ASSERT_TRUE(r.ReadSub(2, &sub));
  uint32_t v;
  EXPECT_FALSE(sub.ReadU32(&v));
  EXPECT_EQ(r.remaining(), 2u);
  EXPECT_FALSE(r.ReadSub(3, &sub));
}

TEST(ByteWriter, WritesAndPatches) {
  Bytes out;
  ByteWriter w(&out);
  w.U8(0xaa);
  w.U16(0);
  w.U32(0x01020304);
  w.U64(0x1122334455667788ULL);
  w.PatchU16(1, 0xbeef);
  EXPECT_EQ(ToHex(out), "aabeef010203041122334455667788");
}

TEST(Hex, RoundTripsAndRejectsBadInput) {
  Bytes b;
  ASSERT_TRUE(FromHex("00 ff:10AB", &b));
  EXPECT_EQ(ToHex(b), "00ff10ab");
  EXPECT_FALSE(FromHex("abc", &b));
  EXPECT_FALSE(FromHex("zz", &b));
}

}  // namespace
}  // namespace ikevpn
