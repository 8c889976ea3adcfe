// What the Engine does when a peer is found dead (no answer to a request on
// an established IKE_SA, typically a liveness check): the connection's
// dpd-action.
//
//   clear    the SAs are gone; nothing more.
//   restart  initiate again to the peer's address at once, and after every
//            failed attempt again with an exponential back-off (1 s, 2 s,
//            4 s, ... capped at 60 s), for as long as the connection
//            exists and until a CHILD_SA is up (ours or one the peer
//            initiated). A reload that changes or removes the connection,
//            or `down`, stops it.
//   trap     arm the connection as with start-action = trap: trap policies
//            are installed (trap_policies.h) and the next kernel acquire
//            initiates it (an explicit `up` does anyway). Disarmed when it
//            comes up, is changed or removed.
#include "daemon/base/log.h"
#include "daemon/ike/engine.h"

namespace ikevpn::ike {

namespace {

constexpr std::chrono::milliseconds kRestartBackoffFirst{1000};
constexpr std::chrono::milliseconds kRestartBackoffMax{60000};

}  // namespace

void Engine::OnPeerDead(const std::string& name, const IpAddress& peer) {
  const config::Connection* c = FindConnection(name);
  if (!c) return;
  switch (c->dpd_action) {
    case config::DpdAction::kClear:
      return;
    case config::DpdAction::kTrap:
      IKEVPN_LOG(kIke, kInfo) << "connection " << name << ": peer dead, armed to initiate on traffic";
      trapped_.insert(name);
      ArmTrap(*c);
      return;
    case config::DpdAction::kRestart: {
      const IpAddress to = c->remote.kind == config::Host::Kind::kAddress ? c->remote.address : peer;
      RestartState& r = restarts_[name];
      r.remote = Endpoint{to, c->remote_port};
      RestartAttempt(name);
      return;
    }
  }
}

void Engine::RestartAttempt(const std::string& name) {
  auto it = restarts_.find(name);
  if (it == restarts_.end()) return;
  it->second.timer = kNoTimer;
  if (!FindConnection(name)) {
    restarts_.erase(it);
    return;
  }
  const int attempt = ++it->second.attempts;
  const Endpoint remote = it->second.remote;  // `done` may erase the entry
  IKEVPN_LOG(kIke, kInfo) << "connection " << name << ": restarting (attempt " << attempt << ") to "
                          << remote.ToString();
  InitiateTo(name, remote, [this, name](Status s) {
    if (s.ok()) {
      CancelDpdAction(name);
      return;
    }
    auto r = restarts_.find(name);
    if (r == restarts_.end() || r->second.timer != kNoTimer) return;
    auto delay = kRestartBackoffFirst * (1LL << std::min(r->second.attempts - 1, 6));
    delay = std::min<std::chrono::milliseconds>(delay, kRestartBackoffMax);
    IKEVPN_LOG(kIke, kInfo) << "connection " << name << ": restart failed (" << s.message() << "), next attempt in "
                            << delay.count() << " ms";
    r->second.timer = env_.timers.Schedule(delay, [this, name] { RestartAttempt(name); });
  });
}

void Engine::CancelDpdAction(const std::string& name) {
  // A trap armed by dpd-action goes; start-action = trap keeps its own.
  if (trapped_.erase(name)) {
    const config::Connection* c = FindConnection(name);
    if (!c || c->start_action != config::StartAction::kTrap) traps_.Disarm(name);
  }
  auto it = restarts_.find(name);
  if (it == restarts_.end()) return;
  if (it->second.timer != kNoTimer) env_.timers.Cancel(it->second.timer);
  restarts_.erase(it);
}

void Engine::ArmTrap(const config::Connection& c) {
  if (!env_.kernel.SendsAcquires()) {
    IKEVPN_LOG(kIke, kInfo) << "connection " << c.name << ": the " << env_.kernel.name()
                            << " backend reports no acquires: the trap waits for `up` or the peer";
    return;
  }
  if (Status s = traps_.Arm(c, ReqidFor(c)); !s.ok()) IKEVPN_LOG(kIke, kError) << s.ToString();
}

uint32_t Engine::ReqidFor(const config::Connection& c) {
  if (auto reqid = traps_.ReqidOf(c.name)) return *reqid;
  return NewReqid();
}

bool Engine::Trapped(const config::Connection& c) const {
  return c.start_action == config::StartAction::kTrap || trapped_.count(c.name) != 0;
}

}  // namespace ikevpn::ike
