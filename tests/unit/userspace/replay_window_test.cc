// Anti-replay (RFC 4303 §3.4.3) and ESN inference (Appendix A2).
#include "daemon/kernel/userspace/replay_window.h"

#include <gtest/gtest.h>

namespace ikevpn::kernel::userspace {
namespace {

bool Accept(ReplayWindow& w, uint32_t seq_lo) {
  auto full = w.Check(seq_lo);
  return full && w.Update(*full);
}

TEST(ReplayWindowTest, SizeIsAtLeast1024AndAPowerOfTwo) {
  EXPECT_EQ(ReplayWindow(0).size(), 1024u);
  EXPECT_EQ(ReplayWindow(32).size(), 1024u);
  EXPECT_EQ(ReplayWindow(3000).size(), 4096u);
  EXPECT_EQ(ReplayWindow(1u << 30).size(), kMaxReplayWindow);
}

TEST(ReplayWindowTest, InOrderReplayAndZero) {
  ReplayWindow w;
  EXPECT_FALSE(w.Check(0));  // sequence numbers start at 1
  EXPECT_TRUE(Accept(w, 1));
  EXPECT_TRUE(Accept(w, 2));
  EXPECT_FALSE(Accept(w, 2));
  EXPECT_FALSE(Accept(w, 1));
  EXPECT_EQ(w.top(), 2u);
}

TEST(ReplayWindowTest, CheckDoesNotChangeState) {
  ReplayWindow w;
  ASSERT_TRUE(w.Check(5));
  ASSERT_TRUE(w.Check(5));  // a forged packet that failed its ICV leaves no trace
  EXPECT_EQ(w.top(), 0u);
  EXPECT_TRUE(Accept(w, 5));
  EXPECT_FALSE(w.Check(5));
}

TEST(ReplayWindowTest, OutOfOrderWithinWindowOnce) {
  ReplayWindow w(1024);
  EXPECT_TRUE(Accept(w, 2000));
  EXPECT_TRUE(Accept(w, 1990));
  EXPECT_FALSE(Accept(w, 1990));
  EXPECT_TRUE(Accept(w, 977));   // 2000 - 1023: the oldest slot in the window
  EXPECT_FALSE(w.Check(976));    // 2000 - 1024: too old
  EXPECT_TRUE(Accept(w, 1999));
}

TEST(ReplayWindowTest, JumpForgetsOldBits) {
  ReplayWindow w(1024);
  for (uint32_t s = 1; s <= 1024; ++s) ASSERT_TRUE(Accept(w, s));
  EXPECT_TRUE(Accept(w, 1024 + 1024 + 1));  // everything before slid out
  EXPECT_TRUE(Accept(w, 1024 + 2));         // same slot as 2 and 1026; not seen
  EXPECT_FALSE(Accept(w, 1024 + 2));
  EXPECT_TRUE(Accept(w, 100000));
  EXPECT_TRUE(Accept(w, 100000 - 500));
}

TEST(ReplayWindowTest, LargerWindowAcceptsOlder) {
  ReplayWindow w(4096);
  EXPECT_TRUE(Accept(w, 10000));
  EXPECT_TRUE(Accept(w, 10000 - 4095));
  EXPECT_FALSE(w.Check(10000 - 4096));
}

TEST(ReplayWindowTest, WithoutEsnHighBitsAreZero) {
  ReplayWindow w(1024, false);
  EXPECT_TRUE(Accept(w, 0xffffffff));
  EXPECT_EQ(w.top(), 0xffffffffu);
  EXPECT_FALSE(w.Check(1));  // would be a cycle: too old
}

TEST(ReplayWindowTest, EsnInfersNextBlockAcrossWrap) {
  ReplayWindow w(1024, true);
  EXPECT_TRUE(Accept(w, 0xfffff000));  // a top near 2^32 within block 0
  EXPECT_TRUE(Accept(w, 0xfffffff0));
  EXPECT_EQ(w.top(), 0xfffffff0u);
  auto next = w.Check(5);  // below the window: the next 2^32 block
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 0x1'00000005u);
  ASSERT_TRUE(w.Update(*next));
  EXPECT_EQ(w.top(), 0x1'00000005u);
}

TEST(ReplayWindowTest, EsnLatePacketFromPreviousBlock) {
  ReplayWindow w(1024, true);
  ASSERT_TRUE(Accept(w, 0xfffff000));
  ASSERT_TRUE(Accept(w, 0xfffffff0));
  ASSERT_TRUE(Accept(w, 0x10));  // now in block 1; window spans both blocks
  auto late = w.Check(0xfffffff8);
  ASSERT_TRUE(late);
  EXPECT_EQ(*late, 0xfffffff8u);  // block 0
  EXPECT_TRUE(w.Update(*late));
  EXPECT_FALSE(w.Check(0xfffffff8));  // replayed
  EXPECT_FALSE(w.Check(0xfffffff0));
  auto ahead = w.Check(0x20);
  ASSERT_TRUE(ahead);
  EXPECT_EQ(*ahead, 0x1'00000020u);
}

TEST(ReplayWindowTest, EsnWithinOneBlock) {
  ReplayWindow w(1024, true);
  ASSERT_TRUE(Accept(w, 5000));
  EXPECT_EQ(*w.Check(4000), 4000u);
  EXPECT_EQ(*w.Check(6000), 6000u);
  // Far below the window: taken as the next block (RFC 4303 A2.1), so the
  // ICV check decides; the window does not reject it.
  EXPECT_EQ(*w.Check(100), 0x1'00000064u);
}

TEST(ReplayWindowTest, EsnFirstPacketIsBlockZero) {
  ReplayWindow w(1024, true);
  EXPECT_EQ(*w.Check(1), 1u);
  EXPECT_FALSE(w.Check(0xffffffff));  // would be block -1
}

TEST(SeqLimitsTest, SoftBeforeHard) {
  SeqLimits plain = SeqLimits::For(false);
  EXPECT_EQ(plain.hard, 0xffffffffu);
  EXPECT_EQ(plain.soft, 0xffffffffu - (1u << 20));
  SeqLimits esn = SeqLimits::For(true);
  EXPECT_EQ(esn.hard, ~uint64_t{0});
  EXPECT_LT(esn.soft, esn.hard);
}

}  // namespace
}  // namespace ikevpn::kernel::userspace
