// The daemon's single event loop: epoll over file descriptors, a timer queue
// on the monotonic clock, and a thread-safe Post() for results computed on
// worker threads (e.g. the userspace datapath handing IKE packets back).
//
// Everything that owns daemon state runs on this loop's thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/status.h"
#include "daemon/base/timers.h"

namespace ikevpn {

class EventLoop final : public Timers {
 public:
  // events: EPOLLIN/EPOLLOUT bits as given to epoll.
  using FdHandler = std::function<void(uint32_t events)>;

  explicit EventLoop(const Clock& clock);
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Status Init();

  // Watches `fd` until RemoveFd. The handler may add or remove fds.
  Status AddFd(int fd, uint32_t events, FdHandler handler);
  Status ModifyFd(int fd, uint32_t events);
  void RemoveFd(int fd);

  TimerId Schedule(Duration after, std::function<void()> fn) override;
  void Cancel(TimerId id) override;

  // Thread-safe: runs `fn` on the loop thread soon.
  void Post(std::function<void()> fn);

  // Runs until Stop(). Returns the first fatal error, if any.
  Status Run();
  // Runs one round: waits at most `max_wait` for events, dispatches them and
  // due timers. For tests and for embedding.
  Status RunOnce(Duration max_wait);
  // Thread-safe.
  void Stop();
  bool stopping() const { return stop_.load(); }

  const Clock& clock() const { return clock_; }

 private:
  void DrainPosted();

  const Clock& clock_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  TimerQueue timers_;
  std::unordered_map<int, std::shared_ptr<FdHandler>> handlers_;
  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;
  std::atomic<bool> stop_{false};
};

}  // namespace ikevpn
