#include "daemon/base/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/base/log.h"

namespace ikevpn {

EventLoop::EventLoop(const Clock& clock) : clock_(clock), timers_(clock) {}

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Status EventLoop::Init() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return ErrnoStatus("epoll_create1", errno);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return ErrnoStatus("eventfd", errno);
  return AddFd(wake_fd_, EPOLLIN, [this](uint32_t) {
    uint64_t v;
    while (read(wake_fd_, &v, sizeof v) > 0) {
    }
    DrainPosted();
  });
}

Status EventLoop::AddFd(int fd, uint32_t events, FdHandler handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) return ErrnoStatus("epoll_ctl add", errno);
  handlers_[fd] = std::make_shared<FdHandler>(std::move(handler));
  return Status::Ok();
}

Status EventLoop::ModifyFd(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0) return ErrnoStatus("epoll_ctl mod", errno);
  return Status::Ok();
}

void EventLoop::RemoveFd(int fd) {
  if (handlers_.erase(fd)) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

TimerId EventLoop::Schedule(Duration after, std::function<void()> fn) {
  return timers_.Schedule(after, std::move(fn));
}

void EventLoop::Cancel(TimerId id) { timers_.Cancel(id); }

void EventLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    posted_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  ssize_t n = write(wake_fd_, &one, sizeof one);
  (void)n;  // a full eventfd counter still wakes the loop
}

void EventLoop::DrainPosted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void EventLoop::Stop() {
  stop_.store(true);
  uint64_t one = 1;
  ssize_t n = write(wake_fd_, &one, sizeof one);
  (void)n;
}

Status EventLoop::RunOnce(Duration max_wait) {
  TimePoint next;
  Duration wait = max_wait;
  if (timers_.NextDeadline(&next)) {
    Duration until = next - clock_.Now();
    if (until < wait) wait = until < Duration::zero() ? Duration::zero() : until;
  }
  // Round up so a timer is never polled for before it is due.
  int timeout_ms = static_cast<int>((wait.count() + 999999) / 1000000);
  epoll_event events[64];
  int n = epoll_wait(epoll_fd_, events, 64, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return Status::Ok();
    return ErrnoStatus("epoll_wait", errno);
  }
  for (int i = 0; i < n; ++i) {
    auto it = handlers_.find(events[i].data.fd);
    if (it == handlers_.end()) continue;  // removed by an earlier handler this round
    std::shared_ptr<FdHandler> keep = it->second;
    (*keep)(events[i].events);
  }
  timers_.RunDue();
  return Status::Ok();
}

Status EventLoop::Run() {
  while (!stop_.load()) {
    IKEVPN_RETURN_IF_ERROR(RunOnce(std::chrono::seconds(60)));
  }
  return Status::Ok();
}

}  // namespace ikevpn
