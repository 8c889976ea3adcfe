// Time sources that tests can fix.
//
// The daemon's timers use a monotonic clock (Clock::Now); persistent state
// (road-warrior last-seen times, leases) uses wall-clock seconds
// (Clock::WallSeconds). Production code takes a Clock& and never calls
// clock_gettime itself, so exchange tests can run with a FakeClock.
#pragma once

#include <chrono>
#include <cstdint>

namespace ikevpn {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // Seconds since the Unix epoch.
  virtual int64_t WallSeconds() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  int64_t WallSeconds() const override;
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t wall_seconds = 1700000000) : wall_(wall_seconds) {}
  TimePoint Now() const override { return now_; }
  int64_t WallSeconds() const override {
    return wall_ + std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
  }
  void Advance(Duration d) { now_ += d; }
  // Moves the wall clock to `wall_seconds` (certificate validity tests);
  // the monotonic clock and its timers stay where they are.
  void SetWallSeconds(int64_t wall_seconds) {
    wall_ = wall_seconds - std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
  }

 private:
  TimePoint now_{};
  int64_t wall_;
};

}  // namespace ikevpn
