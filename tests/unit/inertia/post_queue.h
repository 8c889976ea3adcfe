// PostQueue: what EventLoop::Post does, with the loop turned by hand, for
// driving PeerStore::CompactOffLoop in tests, the crash test's writer and
// the bench.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "daemon/inertia/peer_store.h"

namespace ikevpn::inertia {

class PostQueue {
 public:
  // Thread-safe, like EventLoop::Post; the queue must outlive its users.
  PeerStore::Post Poster() {
    return [this](std::function<void()> fn) {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(fn));
      cv_.notify_all();
    };
  }
  // The first posted function, waiting for one at most `timeout`; empty if none came.
  std::function<void()> Wait(std::chrono::milliseconds timeout = std::chrono::minutes(1)) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [this] { return !queue_.empty(); })) return {};
    std::function<void()> fn = std::move(queue_.front());
    queue_.pop_front();
    return fn;
  }
  // Runs what has been posted so far, without waiting.
  void RunPosted() {
    while (std::function<void()> fn = Wait(std::chrono::milliseconds(0))) fn();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

}  // namespace ikevpn::inertia
