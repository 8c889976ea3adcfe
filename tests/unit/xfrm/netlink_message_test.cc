#include "daemon/kernel/xfrm/netlink_message.h"

#include <gtest/gtest.h>

#include "daemon/base/bytes.h"

namespace ikevpn::kernel::xfrm {
namespace {

TEST(NlBuilder, WritesHeaderStructAndPaddedAttributes) {
  NlBuilder b(0x1234, NLM_F_REQUEST | NLM_F_ACK);
  uint8_t fixed[3] = {1, 2, 3};
  b.Struct(fixed);
  b.AttrU32(7, 0xaabbccdd);
  b.Attr(8, Bytes{9});
  NlMessage m = std::move(b).Finish();
  // nlmsghdr (16) + struct 3 padded to 4 + attr 8 + attr 5 padded to 8.
  ASSERT_EQ(m.size(), 16u + 4 + 8 + 8);
  Bytes expected;
  // Little-endian host (x86): len 36, type 0x1234, flags 5, seq 0, pid 0.
  FromHex("24000000 3412 0500 00000000 00000000"
          "01020300"
          "0800 0700 ddccbbaa"
          "0500 0800 09000000",
          &expected);
  EXPECT_EQ(ToHex(m.span()), ToHex(expected));
}

TEST(NlBuilder, NestedAttributeLengthCoversChildren) {
  NlBuilder b(1, 0);
  size_t t = b.BeginNested(5);
  b.AttrString(6, "xfrm");
  b.EndNested(t);
  NlMessage m = std::move(b).Finish();
  auto split = SplitNlMessages(m.span());
  ASSERT_TRUE(split.ok());
  auto outer = NlAttrs::Parse(split->front().payload);
  ASSERT_TRUE(outer.ok());
  auto nested = outer->Get(5);
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->size(), 4u + 8u);  // "xfrm\0" = 5, padded in the parent
  auto inner = NlAttrs::Parse(*nested);
  ASSERT_TRUE(inner.ok());
  auto kind = inner->Get(6);
  ASSERT_TRUE(kind);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(kind->data())), "xfrm");
}

TEST(SplitNlMessages, SplitsSeveralAndRejectsOverlongLength) {
  NlMessage a = NlBuilder(1, 0).Finish();
  NlMessage c = NlBuilder(2, 0).Finish();
  Bytes both(a.span().begin(), a.span().end());
  both.insert(both.end(), c.span().begin(), c.span().end());
  auto split = SplitNlMessages(both);
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split->size(), 2u);
  EXPECT_EQ((*split)[1].type, 2);

  Bytes bad = both;
  bad[0] = 200;  // first length runs past the end
  auto r = SplitNlMessages(bad);
  EXPECT_EQ(r.status().code(), Code::kDrop);
  Bytes tiny = both;
  tiny[0] = 3;  // shorter than the header itself
  EXPECT_FALSE(SplitNlMessages(tiny).ok());
  Bytes trailing = both;
  trailing.push_back(0);
  EXPECT_FALSE(SplitNlMessages(trailing).ok());
}

TEST(NlAttrs, RejectsBadLengthsAndReadsStructs) {
  Bytes ok;
  FromHex("0800 0100 2a000000", &ok);
  auto attrs = NlAttrs::Parse(ok);
  ASSERT_TRUE(attrs.ok());
  uint32_t v = 0;
  EXPECT_TRUE(attrs->GetU32(1, &v));
  EXPECT_EQ(v, 42u);
  uint64_t too_big = 0;
  EXPECT_FALSE(attrs->GetStruct(1, &too_big));
  EXPECT_FALSE(attrs->Has(2));

  Bytes overlong;
  FromHex("0c00 0100 2a000000", &overlong);
  EXPECT_FALSE(NlAttrs::Parse(overlong).ok());
  Bytes undersized;
  FromHex("0200 0100 2a000000", &undersized);
  EXPECT_FALSE(NlAttrs::Parse(undersized).ok());
  EXPECT_TRUE(NlAttrs::Parse({}).ok());
}

TEST(AttrsAfter, SkipsAlignedFixedPart) {
  Bytes payload(10, 0);
  EXPECT_EQ(AttrsAfter(payload, 6).size(), 2u);  // 6 aligns to 8
  EXPECT_TRUE(AttrsAfter(payload, 10).empty());
  EXPECT_TRUE(AttrsAfter(payload, 64).empty());
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm
