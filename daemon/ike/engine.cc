// The Engine's control side: connections, initiation, deletion, timers,
// events and status. The transport half is engine_transport.cc.
#include "daemon/ike/engine.h"

#include "daemon/base/log.h"
#include "daemon/ike/exchange/config_payload.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/mobike.h"
#include "daemon/ike/exchange/starters.h"

namespace ikevpn::ike {

namespace {

// Rekey `margin + random(0, jitter)` before the hard lifetime, never in the past.
std::chrono::seconds RekeyDelay(const config::Lifetime& l, Rng& rng) {
  int64_t life = l.lifetime.count();
  int64_t margin = l.rekey_margin.count();
  int64_t jitter = l.jitter.count() > 0 ? rng.Uniform(static_cast<uint32_t>(l.jitter.count()) + 1) : 0;
  int64_t at = life - margin - jitter;
  if (at < 1) at = std::max<int64_t>(1, life / 2);
  return std::chrono::seconds(at);
}

}  // namespace

Engine::Engine(EngineEnv env)
    : env_(std::move(env)), sas_(env_.rng), policies_(env_.kernel),
      child_kernel_{env_.kernel, env_.interfaces, policies_} {}

Engine::~Engine() {
  for (auto& [name, r] : restarts_)
    if (r.timer != kNoTimer) env_.timers.Cancel(r.timer);
  restarts_.clear();
  std::vector<uint64_t> ids;
  sas_.ForEach([&ids](IkeSa& sa) { ids.push_back(sa.id()); });
  for (uint64_t id : ids)
    if (IkeSa* sa = sas_.FindById(id)) Destroy(*sa, api::DownCause::kShutdown, "engine stopped");
}

const config::Connection* Engine::FindConnection(const std::string& name) const {
  auto it = connections_.find(name);
  return it == connections_.end() ? nullptr : it->second.get();
}

void Engine::SetConnections(std::vector<std::shared_ptr<const config::Connection>> connections) {
  std::map<std::string, std::shared_ptr<const config::Connection>> next;
  for (auto& c : connections) next[c->name] = c;
  // SAs of removed or changed connections go; unchanged ones keep running
  // and pick up the new (equal) Connection object.
  std::vector<uint64_t> doomed;
  sas_.ForEach([&](IkeSa& sa) {
    auto it = next.find(sa.connection().name);
    if (it == next.end() || !(*it->second == sa.connection())) {
      doomed.push_back(sa.id());
    } else {
      sa.set_connection(it->second);
    }
  });
  // Their CHILD_SAs go now, not when the peer answers the Delete: the
  // daemon releases or recreates their interfaces right after this.
  for (uint64_t id : doomed) {
    if (IkeSa* sa = sas_.FindById(id)) {
      UninstallChildren(*sa, api::DownCause::kConfigChanged, "configuration changed");
      StartDelete(*sa, api::DownCause::kConfigChanged, "configuration changed");
    }
  }
  std::vector<std::string> to_start;
  for (auto& [name, c] : next) {
    auto old = connections_.find(name);
    bool changed = old == connections_.end() || !(*old->second == *c);
    if (changed) {
      CancelDpdAction(name);
      traps_.Disarm(name);
    }
    if (changed && c->start_action == config::StartAction::kStart) to_start.push_back(name);
  }
  for (auto& [name, c] : connections_) {
    if (next.count(name)) continue;
    CancelDpdAction(name);
    traps_.Disarm(name);
  }
  connections_ = std::move(next);
  for (const std::string& name : to_start) Initiate(name);
}

void Engine::ArmTraps() {
  for (auto& [name, c] : connections_)
    if (c->start_action == config::StartAction::kTrap && !traps_.ReqidOf(name)) ArmTrap(*c);
}

IkeSa* Engine::NewInitiatorSa(std::shared_ptr<const config::Connection> conn, const Endpoint& remote) {
  auto owned = std::make_unique<IkeSa>(sas_.NewSaId(), std::move(conn), /*initiator=*/true);
  owned->spi_i = sas_.NewSpi();
  owned->remote = remote;
  const config::Host& l = owned->connection().local;
  owned->local = Endpoint{l.kind == config::Host::Kind::kAddress ? l.address : IpAddress::Any(remote.address.family()),
                          settings().port};
  return sas_.Add(std::move(owned));
}

void Engine::Initiate(const std::string& name, std::function<void(Status)> done) {
  const config::Connection* c = FindConnection(name);
  if (!c) {
    if (done) done(Status(Code::kNotFound, "no connection named '" + name + "'"));
    return;
  }
  if (c->remote.kind != config::Host::Kind::kAddress) {
    // Hostnames are resolved by the daemon before it calls InitiateTo;
    // %any cannot be initiated to.
    if (done) {
      done(Status(Code::kInvalidArgument, "connection '" + name + "' has no remote address to initiate to (" +
                                              c->remote.text + ")"));
    }
    return;
  }
  InitiateTo(name, Endpoint{c->remote.address, c->remote_port}, std::move(done));
}

void Engine::InitiateTo(const std::string& name, const Endpoint& remote, std::function<void(Status)> done) {
  auto it = connections_.find(name);
  if (it == connections_.end()) {
    if (done) done(Status(Code::kNotFound, "no connection named '" + name + "'"));
    return;
  }
  // SAs on their way out (a Delete sent, e.g. after a reload changed the
  // connection) do not count: the connection needs a new one.
  bool live = false;
  sas_.ForEachOf(name, [&](IkeSa& sa) {
    live = sa.state() != IkeSaState::kDeleting && sa.state() != IkeSaState::kDead;
    return !live;
  });
  api::ConnectionState st = live ? StateOf(name) : api::ConnectionState::kDown;
  if (st == api::ConnectionState::kUp) {
    if (done) done(Status::Ok());
    return;
  }
  if (done) initiate_waiters_.emplace(name, std::move(done));
  if (st == api::ConnectionState::kConnecting) return;  // joins the attempt under way
  IkeSa* sa = NewInitiatorSa(it->second, remote);
  IKEVPN_LOG(kIke, kInfo) << "initiating IKE_SA " << sa->LogName() << " to " << remote.ToString();
  Emit({api::EventKind::kConnectionState, name, api::ConnectionState::kConnecting, sa->id()});
  Queue(*sa, MakeIkeSaInit());
}

void Engine::FinishInitiate(const std::string& name, Status status) {
  auto range = initiate_waiters_.equal_range(name);
  std::vector<std::function<void(Status)>> waiters;
  for (auto it = range.first; it != range.second; ++it) waiters.push_back(std::move(it->second));
  initiate_waiters_.erase(range.first, range.second);
  for (auto& w : waiters) w(status);
}

Status Engine::Terminate(const std::string& name) {
  if (!FindConnection(name)) return Status(Code::kNotFound, "no connection named '" + name + "'");
  CancelDpdAction(name);
  std::vector<uint64_t> ids;
  sas_.ForEachOf(name, [&](IkeSa& sa) {
    ids.push_back(sa.id());
    return true;
  });
  for (uint64_t id : ids)
    if (IkeSa* sa = sas_.FindById(id)) StartDelete(*sa, api::DownCause::kDeleted, "terminated by the administrator");
  return Status::Ok();
}

Status Engine::TerminateSa(uint64_t ike_sa_id) {
  IkeSa* sa = sas_.FindById(ike_sa_id);
  if (!sa) return Status(Code::kNotFound, "no IKE_SA with id " + std::to_string(ike_sa_id));
  StartDelete(*sa, api::DownCause::kDeleted, "terminated by the administrator");
  return Status::Ok();
}

void Engine::StartDelete(IkeSa& sa, api::DownCause cause, const std::string& reason) {
  if (sa.state() == IkeSaState::kDeleting || sa.state() == IkeSaState::kDead) return;
  if (!IsUsable(sa.state())) {
    Destroy(sa, cause, reason);
    return;
  }
  // The Delete goes before anything queued; an outstanding request is
  // abandoned (the peer will answer it or not; we no longer care).
  sa.queued.clear();
  if (sa.pending) {
    if (sa.pending->timer != kNoTimer) env_.timers.Cancel(sa.pending->timer);
    std::unique_ptr<Exchange> ex = std::move(sa.pending->exchange);
    sa.pending.reset();
    ex->Abort(*this, sa);
  }
  Queue(sa, MakeIkeDelete(cause, reason));
}

void Engine::DeleteAll() {
  std::vector<uint64_t> ids;
  sas_.ForEach([&ids](IkeSa& sa) { ids.push_back(sa.id()); });
  for (uint64_t id : ids) {
    IkeSa* sa = sas_.FindById(id);
    if (!sa) continue;
    if (IsUsable(sa->state())) {
      // Send the Delete once; the peer's answer does not matter at shutdown.
      StartDelete(*sa, api::DownCause::kShutdown, "shutting down");
      sa = sas_.FindById(id);
    }
    if (sa) Destroy(*sa, api::DownCause::kShutdown, "shutting down");
  }
}

void Engine::Destroy(IkeSa& sa, api::DownCause cause_in, const std::string& reason_ref) {
  // The reason may live in an exchange that goes away below.
  const std::string reason = reason_ref;
  // However it goes, an SA whose authentication failed (§2.21.2) failed so.
  const api::DownCause cause = sa.auth_failed ? api::DownCause::kAuthFailed : cause_in;
  const uint64_t id = sa.id();
  const std::string name = sa.connection().name;
  const bool was_up = IsUsable(sa.state()) || (sa.state() == IkeSaState::kDeleting && sa.established != 0);
  sa.SetState(IkeSaState::kDead);
  for (TimerId* t : {&sa.rekey_timer, &sa.reauth_timer, &sa.dpd_timer, &sa.half_open_timer, &sa.delete_timer}) {
    if (*t != kNoTimer) env_.timers.Cancel(*t);
    *t = kNoTimer;
  }
  if (sa.pending) {
    if (sa.pending->timer != kNoTimer) env_.timers.Cancel(sa.pending->timer);
    std::unique_ptr<Exchange> ex = std::move(sa.pending->exchange);
    sa.pending.reset();
    if (ex) ex->Abort(*this, sa);
  }
  sa.queued.clear();
  // A replaced SA (IKE rekey) went nowhere: its CHILD_SAs live on in the
  // successor (moved there, possibly by the Abort above).
  const bool replaced = sa.successor != 0;
  if (IkeSa* next = replaced ? sas_.FindById(sa.successor) : nullptr) {
    HandOverVirtualIps(*this, sa, *next);
  } else {
    ReleaseVirtualIps(*this, sa);
  }
  UninstallChildren(sa, cause, reason);
  if (replaced) {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << " (replaced by [" << sa.successor << "]) removed: " << reason;
  } else if (was_up || !reason.empty()) {
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << " down: " << reason;
  }
  sas_.Remove(id);
  inertia_sas_.erase(id);
  if (replaced) {
    Emit({api::EventKind::kConnectionState, name, StateOf(name), id});
    return;
  }
  if (was_up) {
    Emit({api::EventKind::kIkeSaDown, name, api::ConnectionState::kDown, id, 0, 0, reason, cause});
    // Up without a CHILD_SA (refused, no virtual IP) and now gone: an
    // Initiate still waiting has failed.
    if (cause != api::DownCause::kAuthFailed && StateOf(name) == api::ConnectionState::kDown) {
      FinishInitiate(name, Status(Code::kRetry, reason));
    }
  }
  // An SA that never came up failed; one the peer rejected after we thought
  // it up (§2.21.2) failed too, as an authentication failure.
  if (!was_up || cause == api::DownCause::kAuthFailed) {
    Emit({api::EventKind::kFailed, name, api::ConnectionState::kDown, id, 0, 0, reason, cause});
    FinishInitiate(name, Status(cause == api::DownCause::kAuthFailed ? Code::kAuthFailed : Code::kRetry, reason));
  }
  Emit({api::EventKind::kConnectionState, name, StateOf(name), id});
}

void Engine::UninstallChildren(IkeSa& sa, api::DownCause cause, const std::string& reason) {
  for (auto& child : sa.children) {
    child->CancelTimers(env_.timers);
    bool was_installed = child->installed();
    child->Uninstall(child_kernel_);
    child->SetState(ChildSaState::kDeleted);
    if (was_installed) {
      IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << sa.ChildLogName(child->id()) << " down: " << reason;
      Emit({api::EventKind::kChildSaDown, sa.connection().name, api::ConnectionState::kDown, sa.id(), child->id(), 0,
            reason, cause});
    }
  }
}

void Engine::Emit(api::Event event) {
  if (env_.events) env_.events(event);
}

void Engine::OnIkeEstablished(IkeSa& sa) {
  sas_.RemoveHalfOpen(sa);
  if (sa.half_open_timer != kNoTimer) env_.timers.Cancel(sa.half_open_timer);
  sa.half_open_timer = kNoTimer;
  sa.established = env_.clock.WallSeconds();
  sa.last_peer_activity = env_.clock.Now();
  sa.auth_inputs.reset();  // AUTH is done; the IKE_SA_INIT messages are no longer needed
  if (sa.keys) {
    // The PRF is idle until a rekey: its HMAC context goes until then.
    if (sa.keys->prf) sa.keys->prf->ReleaseContext();
    // SK_pi and SK_pr only serve the AUTH payloads (§2.15), now checked.
    sa.keys->sk_pi = SecretBytes();
    sa.keys->sk_pr = SecretBytes();
  }
  IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << " established between " << sa.local.ToString() << " ["
                          << sa.local_id.text << "] and " << sa.remote.ToString() << " [" << sa.peer_id_text
                          << "] " << sa.keys->algorithms.ToString();
  ScheduleIkeTimers(sa);
  OnPeerEstablished(sa);
  Emit({api::EventKind::kIkeSaUp, sa.connection().name, api::ConnectionState::kConnecting, sa.id()});
}

void Engine::OnChildUp(IkeSa& sa, ChildSa& child, bool rekeyed) {
  child.established = env_.clock.WallSeconds();
  ScheduleChildTimers(sa, child);
  IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << sa.ChildLogName(child.id()) << " "
                          << (rekeyed ? "rekeyed" : "established") << " with SPIs " << std::hex << child.spi_in
                          << "_i " << child.spi_out << "_o" << std::dec << " " << child.algorithms.ToString()
                          << (child.interface.empty() ? "" : " on " + child.interface);
  if (!rekeyed) {
    ReportPeer(sa);
    Emit({api::EventKind::kChildSaUp, sa.connection().name, api::ConnectionState::kUp, sa.id(), child.id()});
    Emit({api::EventKind::kConnectionState, sa.connection().name, api::ConnectionState::kUp, sa.id()});
    CancelDpdAction(sa.connection().name);
    FinishInitiate(sa.connection().name, Status::Ok());
  }
}

void Engine::ScheduleChildTimers(IkeSa& sa, ChildSa& child) {
  const config::Lifetime& l = sa.connection().child_lifetime;
  if (l.lifetime.count() <= 0) return;
  ArmChildTimers(sa, child, RekeyDelay(l, env_.rng), l.lifetime);
}

void Engine::AdoptChild(IkeSa& to, std::unique_ptr<ChildSa> child) {
  child->set_ike_sa_id(to.id());
  ChildSa& c = *to.children.emplace_back(std::move(child));
  const int64_t now = env_.clock.WallSeconds();
  const int64_t expire_at = c.established + to.connection().child_lifetime.lifetime.count();
  std::optional<std::chrono::seconds> rekey, expire;
  if (c.rekey_timer != kNoTimer) rekey = std::chrono::seconds(std::max<int64_t>(0, c.rekey_at - now));
  if (c.expire_timer != kNoTimer) expire = std::chrono::seconds(std::max<int64_t>(1, expire_at - now));
  for (TimerId* t : {&c.rekey_timer, &c.expire_timer}) {
    if (*t != kNoTimer) env_.timers.Cancel(*t);
    *t = kNoTimer;
  }
  ArmChildTimers(to, c, rekey, expire);
}

void Engine::ArmChildTimers(IkeSa& sa, ChildSa& child, std::optional<std::chrono::seconds> rekey,
                            std::optional<std::chrono::seconds> expire) {
  uint64_t sa_id = sa.id(), child_id = child.id();
  if (rekey) {
    child.rekey_at = env_.clock.WallSeconds() + rekey->count();
    child.rekey_timer = env_.timers.Schedule(*rekey, [this, sa_id, child_id] {
      IkeSa* s = sas_.FindById(sa_id);
      ChildSa* c = s ? s->FindChild(child_id) : nullptr;
      if (!c) return;
      c->rekey_timer = kNoTimer;
      if (c->state() == ChildSaState::kInstalled && IsUsable(s->state())) Queue(*s, MakeChildRekey(child_id));
    });
  }
  if (!expire) return;
  child.expire_timer = env_.timers.Schedule(*expire, [this, sa_id, child_id] {
    IkeSa* s = sas_.FindById(sa_id);
    ChildSa* c = s ? s->FindChild(child_id) : nullptr;
    if (!c) return;
    c->expire_timer = kNoTimer;
    IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << s->ChildLogName(child_id) << " hard lifetime reached";
    if (IsUsable(s->state()) && c->state() != ChildSaState::kDeleting)
      Queue(*s, MakeChildDelete(child_id, api::DownCause::kExpired));
  });
}

void Engine::ScheduleIkeTimers(IkeSa& sa) {
  const config::Connection& c = sa.connection();
  uint64_t id = sa.id();
  // Called again by every DPD round: an armed rekey timer keeps its deadline.
  if (c.ike_lifetime.lifetime.count() > 0 && sa.rekey_timer == kNoTimer) {
    auto delay = RekeyDelay(c.ike_lifetime, env_.rng);
    sa.rekey_at = env_.clock.WallSeconds() + delay.count();
    sa.rekey_timer = env_.timers.Schedule(delay, [this, id] {
      IkeSa* s = sas_.FindById(id);
      if (!s) return;
      s->rekey_timer = kNoTimer;
      if (s->state() == IkeSaState::kEstablished) Queue(*s, MakeIkeRekey());
    });
  }
  if (c.dpd_delay.count() > 0) {
    if (sa.dpd_timer != kNoTimer) env_.timers.Cancel(sa.dpd_timer);
    // The next check falls due when the peer will have been silent for a
    // whole DPD delay, not a whole delay after this one (that would probe
    // up to two delays after the peer went quiet).
    Duration next = c.dpd_delay;
    const Duration idle = env_.clock.Now() - sa.last_peer_activity;
    if (idle > Duration::zero() && idle < c.dpd_delay) next = c.dpd_delay - idle;
    sa.dpd_timer = env_.timers.Schedule(next, [this, id] {
      IkeSa* s = sas_.FindById(id);
      if (!s) return;
      s->dpd_timer = kNoTimer;
      auto idle = env_.clock.Now() - s->last_peer_activity;
      // Only probe when the peer has been silent for a whole DPD delay and
      // nothing else is outstanding (an outstanding request is a probe too).
      if (IsUsable(s->state()) && !s->pending && idle >= s->connection().dpd_delay)
        Queue(*s, MakeLiveness());
      ScheduleIkeTimers(*s);
    });
  }
}

void Engine::OnExpire(const kernel::SaId& id, uint32_t reqid, kernel::ExpireKind kind) {
  (void)reqid;
  sas_.ForEach([&](IkeSa& sa) {
    ChildSa* c = sa.FindChildBySpi(id.spi);
    if (!c || !IsUsable(sa.state())) return;
    if (kind == kernel::ExpireKind::kSoft && c->state() == ChildSaState::kInstalled) {
      Queue(sa, MakeChildRekey(c->id()));
    } else if (kind == kernel::ExpireKind::kHard && c->state() != ChildSaState::kDeleting) {
      Queue(sa, MakeChildDelete(c->id(), api::DownCause::kExpired));
    }
  });
}

void Engine::OnAcquire(uint32_t reqid, const TrafficSelector& src, const TrafficSelector& dst) {
  IKEVPN_LOG(kIke, kDebug) << "acquire for reqid " << reqid << " " << src.ToString() << " -> " << dst.ToString();
  if (auto name = traps_.ConnectionOf(reqid)) {
    if (StateOf(*name) == api::ConnectionState::kDown) {
      IKEVPN_LOG(kIke, kInfo) << "connection " << *name << ": traffic " << src.ToString() << " -> "
                              << dst.ToString() << " hit its trap, initiating";
      Initiate(*name);
    }
    return;
  }
  for (auto& [name, c] : connections_) {
    if (Trapped(*c) && StateOf(name) == api::ConnectionState::kDown) {
      for (const TrafficSelector& r : c->remote_ts.selectors) {
        if (r.Covers(dst) || r.Contains(dst.start)) {
          Initiate(name);
          return;
        }
      }
    }
  }
}

void Engine::OnMapping(const kernel::SaId& id, const Endpoint& new_remote) {
  sas_.ForEach([&](IkeSa& sa) {
    if (!sa.FindChildBySpi(id.spi)) return;
    // With MOBIKE the peer announces its moves (UPDATE_SA_ADDRESSES,
    // RFC 4555 §3.5, §3.8): ESP from elsewhere does not move IKE.
    if (MobikeInUse(sa)) return;
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": NAT mapping changed to " << new_remote.ToString();
    sa.remote = new_remote;
    // The CHILD_SAs follow at once: UpdatePeerAddress sees nothing new
    // in the next IKE message from there.
    MoveChildSas(*this, sa);
  });
}

api::ConnectionState Engine::StateOf(const std::string& name) const {
  api::ConnectionState best = api::ConnectionState::kDown;
  sas_.ForEachOf(name, [&](IkeSa& sa) {
    for (auto& c : sa.children) {
      if (c->installed()) {
        best = api::ConnectionState::kUp;
        return false;  // nothing beats up
      }
    }
    if (best == api::ConnectionState::kDown) {
      best = sa.state() == IkeSaState::kDeleting ? api::ConnectionState::kClosing : api::ConnectionState::kConnecting;
    }
    return true;
  });
  return best;
}

uint32_t Engine::IkeSaCount(const std::string& name) const {
  uint32_t n = 0;
  sas_.ForEachOf(name, [&n](IkeSa&) { return ++n != 0; });
  return n;
}

uint32_t Engine::ChildSaCount(const std::string& name) const {
  uint32_t n = 0;
  sas_.ForEachOf(name, [&n](IkeSa& sa) {
    for (auto& c : sa.children) n += c->installed();
    return true;
  });
  return n;
}

std::vector<api::IkeSaInfo> Engine::ListIkeSas() const {
  std::vector<api::IkeSaInfo> out;
  sas_.ForEach([&](IkeSa& sa) {
    api::IkeSaInfo i;
    i.id = sa.id();
    i.connection = sa.connection().name;
    i.state = std::string(ToString(sa.state()));
    i.initiator = sa.initiator();
    i.local = sa.local;
    i.remote = sa.remote;
    i.local_id = sa.local_id.text;
    i.remote_id = sa.peer_id_text;
    i.spi_i = sa.spi_i;
    i.spi_r = sa.spi_r;
    if (sa.keys) i.algorithms = sa.keys->algorithms.ToString();
    i.nat_local = sa.natt.seen.local;
    i.nat_remote = sa.natt.seen.remote;
    i.udp_encap = sa.natt.udp_encap();
    i.established = sa.established;
    i.rekey_at = sa.rekey_at;
    i.virtual_ips = sa.virtual_ips;
    i.dns = sa.dns;
    out.push_back(std::move(i));
  });
  return out;
}

std::vector<api::ChildSaInfo> Engine::ListChildSas() {
  std::vector<api::ChildSaInfo> out;
  sas_.ForEach([&](IkeSa& sa) {
    for (auto& c : sa.children) {
      api::ChildSaInfo i;
      i.id = c->id();
      i.ike_sa_id = sa.id();
      i.connection = sa.connection().name;
      i.state = std::string(ToString(c->state()));
      i.spi_in = c->spi_in;
      i.spi_out = c->spi_out;
      i.mode = c->mode == kernel::IpsecMode::kTunnel ? "tunnel" : "transport";
      for (auto& t : c->local_ts) i.local_ts.push_back(t.ToString());
      for (auto& t : c->remote_ts) i.remote_ts.push_back(t.ToString());
      i.algorithms = c->algorithms.ToString();
      i.interface = c->interface;
      i.if_id = c->if_id;
      i.established = c->established;
      i.rekey_at = c->rekey_at;
      out.push_back(std::move(i));
    }
  });
  return out;
}

Result<api::SaCounters> Engine::ChildSaCounters(uint64_t child_sa_id) {
  const ChildSa* found = nullptr;
  sas_.ForEach([&](IkeSa& sa) {
    for (auto& c : sa.children) {
      if (c->id() == child_sa_id) found = c.get();
    }
  });
  if (!found) return Status(Code::kNotFound, "no CHILD_SA with id " + std::to_string(child_sa_id));
  api::SaCounters counters;
  if (!found->installed()) return counters;
  if (auto in = env_.kernel.QuerySa(found->InboundId()); in.ok()) {
    counters.bytes_in = in->bytes;
    counters.packets_in = in->packets;
  }
  if (auto out = env_.kernel.QuerySa(found->OutboundId()); out.ok()) {
    counters.bytes_out = out->bytes;
    counters.packets_out = out->packets;
  }
  return counters;
}

}  // namespace ikevpn::ike
