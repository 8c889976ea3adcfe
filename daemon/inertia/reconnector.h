// Reconnector: after a restart, initiates to every remembered peer (address
// inertia), a bounded number at a time, retrying failed attempts with
// exponential back-off and giving up after a bounded number of tries.
//
// It knows nothing of the engine: `start` begins one attempt and returns
// the new IKE_SA's id; the owner reports each attempt's outcome (the
// engine's CHILD_SA-up or failure event for that id) to OnAttemptDone.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>

#include "daemon/base/timers.h"
#include "daemon/inertia/peer_file.h"

namespace ikevpn::inertia {

struct ReconnectSettings {
  size_t max_parallel = 32;  // attempts under way at once
  int max_tries = 4;         // attempts per peer before giving up
  Duration first_retry = std::chrono::seconds(2);  // doubled after each failure
  Duration max_retry = std::chrono::seconds(60);
};

class Reconnector {
 public:
  // Starts one attempt: the IKE_SA id, kExists when there is nothing to do
  // (the peer is connected already), any other error is a failed try.
  using StartFn = std::function<Result<uint64_t>(const PeerRecord&)>;

  Reconnector(Timers& timers, ReconnectSettings settings, StartFn start);
  ~Reconnector();
  Reconnector(const Reconnector&) = delete;
  Reconnector& operator=(const Reconnector&) = delete;

  // Queues the peers and starts as many as allowed.
  void Add(std::vector<PeerRecord> peers);
  // The attempt on IKE_SA `ike_sa_id` ended: up (a CHILD_SA is installed)
  // or failed. Ids not started here are ignored.
  void OnAttemptDone(uint64_t ike_sa_id, bool up);

  size_t in_flight() const { return in_flight_.size(); }
  size_t waiting() const { return queue_.size() + retry_timers_.size(); }
  size_t succeeded() const { return succeeded_; }
  size_t skipped() const { return skipped_; }
  size_t given_up() const { return given_up_; }

 private:
  struct Attempt {
    PeerRecord peer;
    int tries = 0;  // attempts made so far
  };
  void Pump();
  void Failed(Attempt a, const std::string& why);

  Timers& timers_;
  ReconnectSettings settings_;
  StartFn start_;
  std::deque<Attempt> queue_;
  std::map<uint64_t, Attempt> in_flight_;
  std::set<TimerId> retry_timers_;
  bool pumping_ = false;
  size_t succeeded_ = 0, skipped_ = 0, given_up_ = 0;
};

}  // namespace ikevpn::inertia
