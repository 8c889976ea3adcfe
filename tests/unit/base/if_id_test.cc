#include "daemon/base/if_id.h"

#include <gtest/gtest.h>

namespace ikevpn {
namespace {

TEST(IfId, OwnedRangeExcludesZeroAndTheSmallHandMadeIds) {
  EXPECT_FALSE(kOwnedIfIds.Contains(0));
  EXPECT_FALSE(kOwnedIfIds.Contains(1));
  EXPECT_FALSE(kOwnedIfIds.Contains(0xffff));
  EXPECT_TRUE(kOwnedIfIds.Contains(0x10000));
  EXPECT_TRUE(kOwnedIfIds.Contains(0x1ffff));
  EXPECT_FALSE(kOwnedIfIds.Contains(0x20000));
  EXPECT_EQ(kOwnedIfIds.ToString(), "0x10000-0x1ffff");
}

TEST(IfId, InterfaceNumbersMapOntoTheOwnedRange) {
  EXPECT_EQ(IfIdOfInterfaceNumber(0), 0x10000u);
  EXPECT_EQ(IfIdOfInterfaceNumber(41), 0x10029u);
  EXPECT_EQ(IfIdOfInterfaceNumber(65535), 0x1ffffu);
  EXPECT_EQ(IfIdOfInterfaceNumber(65536), std::nullopt);
  EXPECT_EQ(IfIdOfInterfaceNumber(~0ull), std::nullopt);
}

}  // namespace
}  // namespace ikevpn
