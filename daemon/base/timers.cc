#include "daemon/base/timers.h"

namespace ikevpn {

TimerId TimerQueue::Schedule(Duration after, std::function<void()> fn) {
  TimerId id = next_id_++;
  TimePoint deadline = clock_.Now() + after;
  by_deadline_.emplace(Key{deadline, id}, std::move(fn));
  deadline_of_.emplace(id, deadline);
  return id;
}

void TimerQueue::Cancel(TimerId id) {
  auto it = deadline_of_.find(id);
  if (it == deadline_of_.end()) return;
  by_deadline_.erase(Key{it->second, id});
  deadline_of_.erase(it);
}

size_t TimerQueue::RunDue() {
  size_t ran = 0;
  for (;;) {
    auto it = by_deadline_.begin();
    if (it == by_deadline_.end() || it->first.deadline > clock_.Now()) break;
    std::function<void()> fn = std::move(it->second);
    deadline_of_.erase(it->first.id);
    by_deadline_.erase(it);
    fn();
    ++ran;
  }
  return ran;
}

bool TimerQueue::NextDeadline(TimePoint* out) const {
  if (by_deadline_.empty()) return false;
  *out = by_deadline_.begin()->first.deadline;
  return true;
}

void AdvanceAndRun(FakeClock& clock, TimerQueue& timers, Duration d) {
  TimePoint end = clock.Now() + d;
  TimePoint next;
  while (timers.NextDeadline(&next) && next <= end) {
    if (next > clock.Now()) clock.Advance(next - clock.Now());
    timers.RunDue();
  }
  if (end > clock.Now()) clock.Advance(end - clock.Now());
}

}  // namespace ikevpn
