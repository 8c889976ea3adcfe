// Rollback: undo steps of a multi-step kernel change, run in reverse order
// unless Commit() is called. `Rollback undo; step1; undo.Add(...); ...;
// undo.Commit();` keeps a bring-up all-or-nothing.
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace ikevpn::ifmgr {

class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  }

  void Add(std::function<void()> undo) { undo_.push_back(std::move(undo)); }
  void Commit() { undo_.clear(); }

 private:
  std::vector<std::function<void()>> undo_;
};

}  // namespace ikevpn::ifmgr
