// Runs an sdbus-c++ connection inside the daemon's EventLoop: no extra
// thread. The bus fd is watched with the events sd-bus asks for, sd-bus's
// own deadline (method-call timeouts, queued work) is a loop timer, and every
// wake-up calls processPendingRequest() until it has nothing left to do.
#pragma once

#include <cstdint>
#include <functional>

#include "daemon/base/event_loop.h"
#include "daemon/base/status.h"

namespace sdbus {
class IConnection;
}

namespace ikevpn::dbus {

class BusLoop {
 public:
  // `bus` and `loop` must outlive this object.
  BusLoop(sdbus::IConnection& bus, EventLoop& loop);
  ~BusLoop();
  BusLoop(const BusLoop&) = delete;
  BusLoop& operator=(const BusLoop&) = delete;

  // `before_dispatch` runs before each round of message processing;
  // `on_lost` once if the connection breaks (the fd is then unwatched).
  Status Start(std::function<void()> before_dispatch, std::function<void(const Status&)> on_lost);
  void Stop();

  // Re-reads fd events and deadline from sd-bus. Call after sending outside
  // a dispatch (signals, asynchronous replies): if the message could not be
  // written at once, this makes the loop wait for POLLOUT to flush it.
  void Rearm();

 private:
  void Dispatch();
  void Fail(const Status& status);

  sdbus::IConnection& bus_;
  EventLoop& loop_;
  int fd_ = -1;
  uint32_t events_ = 0;
  TimerId timer_ = kNoTimer;
  uint64_t timer_deadline_usec_ = 0;
  bool dispatching_ = false;
  std::function<void()> before_dispatch_;
  std::function<void(const Status&)> on_lost_;
};

}  // namespace ikevpn::dbus
