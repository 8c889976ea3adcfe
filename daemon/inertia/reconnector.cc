#include "daemon/inertia/reconnector.h"

#include <algorithm>
#include <memory>

#include "daemon/base/log.h"

namespace ikevpn::inertia {

namespace {

std::string PeerName(const PeerRecord& p) {
  return p.connection + " peer " + p.id_text + " at " + p.address.ToString();
}

}  // namespace

Reconnector::Reconnector(Timers& timers, ReconnectSettings settings, StartFn start)
    : timers_(timers), settings_(settings), start_(std::move(start)) {}

Reconnector::~Reconnector() {
  for (TimerId t : retry_timers_) timers_.Cancel(t);
}

void Reconnector::Add(std::vector<PeerRecord> peers) {
  for (PeerRecord& p : peers) queue_.push_back({std::move(p), 0});
  Pump();
}

void Reconnector::Pump() {
  // `start_` may report an outcome synchronously (OnAttemptDone -> Pump):
  // the outer loop does the work.
  if (pumping_) return;
  pumping_ = true;
  while (in_flight_.size() < settings_.max_parallel && !queue_.empty()) {
    Attempt a = std::move(queue_.front());
    queue_.pop_front();
    ++a.tries;
    Result<uint64_t> id = start_(a.peer);
    if (id.ok()) {
      IKEVPN_LOG(kDaemon, kInfo) << "inertia: initiating to " << PeerName(a.peer) << " (try " << a.tries << ")";
      in_flight_.emplace(*id, std::move(a));
    } else if (id.status().code() == Code::kExists) {
      IKEVPN_LOG(kDaemon, kDebug) << "inertia: " << PeerName(a.peer) << ": " << id.status().message();
      ++skipped_;
    } else {
      Failed(std::move(a), id.status().message());
    }
  }
  pumping_ = false;
}

void Reconnector::OnAttemptDone(uint64_t ike_sa_id, bool up) {
  auto it = in_flight_.find(ike_sa_id);
  if (it == in_flight_.end()) return;
  Attempt a = std::move(it->second);
  in_flight_.erase(it);
  if (up) {
    IKEVPN_LOG(kDaemon, kInfo) << "inertia: " << PeerName(a.peer) << " is back";
    ++succeeded_;
  } else {
    Failed(std::move(a), "attempt failed");
  }
  Pump();
}

void Reconnector::Failed(Attempt a, const std::string& why) {
  if (a.tries >= settings_.max_tries) {
    IKEVPN_LOG(kDaemon, kInfo) << "inertia: giving up on " << PeerName(a.peer) << " after " << a.tries
                               << " tries: " << why;
    ++given_up_;
    return;
  }
  Duration delay = settings_.first_retry;
  for (int i = 1; i < a.tries && delay < settings_.max_retry; ++i) delay *= 2;
  delay = std::min(delay, settings_.max_retry);
  IKEVPN_LOG(kDaemon, kDebug) << "inertia: " << PeerName(a.peer) << ": " << why << ", retrying in "
                              << std::chrono::duration_cast<std::chrono::milliseconds>(delay).count() << " ms";
  auto holder = std::make_shared<TimerId>(kNoTimer);
  *holder = timers_.Schedule(delay, [this, holder, a = std::move(a)]() mutable {
    retry_timers_.erase(*holder);
    queue_.push_back(std::move(a));
    Pump();
  });
  retry_timers_.insert(*holder);
}

}  // namespace ikevpn::inertia
