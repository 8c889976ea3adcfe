#include "daemon/base/clock.h"

#include <time.h>

namespace ikevpn {

TimePoint SystemClock::Now() const {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return TimePoint(Duration(int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec));
}

int64_t SystemClock::WallSeconds() const {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec;
}

}  // namespace ikevpn
