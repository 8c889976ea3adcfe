#include "dbus/bus_loop.h"

#include <poll.h>
#include <sys/epoll.h>

#include <chrono>
#include <limits>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IConnection.h>

#include "daemon/base/log.h"

namespace ikevpn::dbus {
namespace {

uint32_t ToEpollEvents(short poll_events) {
  uint32_t events = 0;
  if (poll_events & POLLIN) events |= EPOLLIN;
  if (poll_events & POLLOUT) events |= EPOLLOUT;
  return events;
}

}  // namespace

BusLoop::BusLoop(sdbus::IConnection& bus, EventLoop& loop) : bus_(bus), loop_(loop) {}

BusLoop::~BusLoop() { Stop(); }

Status BusLoop::Start(std::function<void()> before_dispatch,
                      std::function<void(const Status&)> on_lost) {
  before_dispatch_ = std::move(before_dispatch);
  on_lost_ = std::move(on_lost);
  sdbus::IConnection::PollData poll;
  try {
    poll = bus_.getEventLoopPollData();
  } catch (const sdbus::Error& e) {
    return Status(Code::kIoError, "D-Bus poll data: " + e.getMessage());
  }
  events_ = ToEpollEvents(poll.events);
  IKEVPN_RETURN_IF_ERROR(loop_.AddFd(poll.fd, events_, [this](uint32_t) { Dispatch(); }));
  fd_ = poll.fd;
  // Messages may already be queued (the name request's reply, early calls).
  Dispatch();
  return Status::Ok();
}

void BusLoop::Stop() {
  if (fd_ >= 0) loop_.RemoveFd(fd_);
  fd_ = -1;
  loop_.Cancel(timer_);
  timer_ = kNoTimer;
}

void BusLoop::Dispatch() {
  if (fd_ < 0 || dispatching_) return;
  dispatching_ = true;
  if (before_dispatch_) before_dispatch_();
  try {
    while (bus_.processPendingRequest()) {
    }
  } catch (const sdbus::Error& e) {
    dispatching_ = false;
    Fail(Status(Code::kIoError, "D-Bus connection lost: " + e.getMessage()));
    return;
  }
  dispatching_ = false;
  Rearm();
}

void BusLoop::Rearm() {
  if (fd_ < 0 || dispatching_) return;  // Dispatch re-arms when it is done
  sdbus::IConnection::PollData poll;
  try {
    poll = bus_.getEventLoopPollData();
  } catch (const sdbus::Error& e) {
    Fail(Status(Code::kIoError, "D-Bus poll data: " + e.getMessage()));
    return;
  }
  uint32_t events = ToEpollEvents(poll.events);
  if (events != events_) {
    if (Status s = loop_.ModifyFd(fd_, events); !s.ok()) {
      Fail(s.Annotate("D-Bus fd"));
      return;
    }
    events_ = events;
  }
  if (poll.timeout_usec == timer_deadline_usec_ && timer_ != kNoTimer) return;
  loop_.Cancel(timer_);
  timer_ = kNoTimer;
  timer_deadline_usec_ = poll.timeout_usec;
  if (poll.timeout_usec == std::numeric_limits<uint64_t>::max()) return;  // no deadline
  auto relative = poll.getRelativeTimeout();
  Duration after = relative ? std::chrono::duration_cast<Duration>(*relative) : Duration::zero();
  if (after < Duration::zero()) after = Duration::zero();
  timer_ = loop_.Schedule(after, [this] {
    timer_ = kNoTimer;
    Dispatch();
  });
}

void BusLoop::Fail(const Status& status) {
  IKEVPN_LOG(kCtl, kError) << status.message()
                           << "; D-Bus control is unavailable until ikevpnd restarts";
  Stop();
  if (on_lost_) on_lost_(status);
}

}  // namespace ikevpn::dbus
