// ReaderLock: a reader-writer lock that costs readers one uncontended mutex
// per batch of packets. Each datapath worker has its own slot (a mutex on
// its own cache line); the writer (the daemon's loop thread changing the SA
// table) takes every slot. Writers wait at most for one batch per worker.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>

namespace ikevpn::kernel::userspace {

class ReaderLock {
 public:
  static constexpr size_t kMaxReaders = 8;

  // Reader `slot` (0 .. kMaxReaders-1) holds the lock for one batch.
  class ReadGuard {
   public:
    ReadGuard(ReaderLock& lock, size_t slot) : mu_(lock.slots_[slot].mu) { mu_.lock(); }
    ~ReadGuard() { mu_.unlock(); }
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;

   private:
    std::mutex& mu_;
  };

  class WriteGuard {
   public:
    explicit WriteGuard(ReaderLock& lock) : lock_(lock) {
      for (Slot& s : lock_.slots_) s.mu.lock();
    }
    ~WriteGuard() {
      for (Slot& s : lock_.slots_) s.mu.unlock();
    }
    WriteGuard(const WriteGuard&) = delete;
    WriteGuard& operator=(const WriteGuard&) = delete;

   private:
    ReaderLock& lock_;
  };

 private:
  struct alignas(64) Slot {
    std::mutex mu;
  };
  Slot slots_[kMaxReaders];
};

}  // namespace ikevpn::kernel::userspace
