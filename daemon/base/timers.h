// Timers as the protocol code sees them.
//
// Callbacks should capture ids (an SA's SPI, a connection name), never raw
// pointers to objects that may be gone by the time the timer fires.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

#include "daemon/base/clock.h"

namespace ikevpn {

using TimerId = uint64_t;
inline constexpr TimerId kNoTimer = 0;

class Timers {
 public:
  virtual ~Timers() = default;
  // Runs `fn` once, `after` from now, on the owning loop. Never returns kNoTimer.
  virtual TimerId Schedule(Duration after, std::function<void()> fn) = 0;
  // Cancelling an unknown or already fired id is a no-op.
  virtual void Cancel(TimerId id) = 0;
};

// A timer queue on a given clock; the event loop and the tests share it.
// RunDue() fires everything due at clock.Now(), in deadline order (ties in
// scheduling order), including timers scheduled by callbacks that are due.
class TimerQueue final : public Timers {
 public:
  explicit TimerQueue(const Clock& clock) : clock_(clock) {}

  TimerId Schedule(Duration after, std::function<void()> fn) override;
  void Cancel(TimerId id) override;

  // Returns the number of callbacks run.
  size_t RunDue();
  // Deadline of the earliest timer, if any.
  bool NextDeadline(TimePoint* out) const;
  size_t size() const { return by_deadline_.size(); }

 private:
  struct Key {
    TimePoint deadline;
    TimerId id;
    bool operator<(const Key& o) const {
      return deadline != o.deadline ? deadline < o.deadline : id < o.id;
    }
  };
  const Clock& clock_;
  TimerId next_id_ = 1;
  std::map<Key, std::function<void()>> by_deadline_;
  // Hashed, not ordered: a node here costs half of a std::map node, and a
  // daemon with 100,000 SAs holds several timers per SA.
  std::unordered_map<TimerId, TimePoint> deadline_of_;
};

// Test helper: advances a FakeClock step by step, firing timers on the way.
void AdvanceAndRun(FakeClock& clock, TimerQueue& timers, Duration d);

}  // namespace ikevpn
