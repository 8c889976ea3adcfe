#include "daemon/base/timers.h"

#include <gtest/gtest.h>

#include <vector>

using namespace std::chrono_literals;

namespace ikevpn {
namespace {

TEST(TimerQueue, FiresInDeadlineOrderAndHonoursCancel) {
  FakeClock clock;
  TimerQueue q(clock);
  std::vector<int> fired;
  q.Schedule(3s, [&] { fired.push_back(3); });
  TimerId one = q.Schedule(1s, [&] { fired.push_back(1); });
  q.Schedule(2s, [&] { fired.push_back(2); });
  q.Cancel(one);
  q.Cancel(one);  // twice is harmless
  AdvanceAndRun(clock, q, 2500ms);
  EXPECT_EQ(fired, (std::vector<int>{2}));
  AdvanceAndRun(clock, q, 1s);
  EXPECT_EQ(fired, (std::vector<int>{2, 3}));
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimerQueue, CallbackMayScheduleAnother) {
  FakeClock clock;
  TimerQueue q(clock);
  int count = 0;
  std::function<void()> again = [&] {
    if (++count < 5) q.Schedule(1s, again);
  };
  q.Schedule(1s, again);
  AdvanceAndRun(clock, q, 10s);
  EXPECT_EQ(count, 5);
}

}  // namespace
}  // namespace ikevpn
