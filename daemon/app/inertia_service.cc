#include "daemon/app/inertia_service.h"

#include "daemon/base/log.h"

namespace ikevpn::app {

InertiaService::InertiaService(ike::Engine& engine, const Clock& clock, Timers& timers, const std::string& state_dir,
                               inertia::ReconnectSettings settings)
    : engine_(engine), clock_(clock), store_(state_dir + "/inertia", timers),
      reconnector_(std::make_unique<inertia::Reconnector>(
          timers, settings, [this](const inertia::PeerRecord& p) { return Reinitiate(p); })) {}

void InertiaService::Start() {
  if (Status s = store_.Load(); !s.ok()) IKEVPN_LOG(kDaemon, kError) << "inertia state: " << s.ToString();
  const int64_t now = clock_.WallSeconds();
  std::vector<inertia::PeerRecord> due;
  for (inertia::PeerRecord& p : store_.All()) {
    const config::Connection* c = engine_.FindConnection(p.connection);
    if (!c || !c->inertia || now - p.seen > c->inertia_max_age.count()) {
      store_.Forget(p.connection, p.id_type, p.id_data);
      continue;
    }
    due.push_back(std::move(p));
  }
  if (!due.empty() || store_.size() > 0)
    IKEVPN_LOG(kDaemon, kInfo) << "inertia: " << due.size() << " remembered peer(s) to initiate to";
  reconnector_->Add(std::move(due));
}

void InertiaService::Stop() {
  reconnector_.reset();
  if (Status s = store_.Flush(); !s.ok()) IKEVPN_LOG(kDaemon, kError) << "inertia state: " << s.ToString();
}

Result<uint64_t> InertiaService::Reinitiate(const inertia::PeerRecord& p) {
  config::Identity peer{static_cast<ike::IdType>(p.id_type), p.id_data, p.id_text};
  return engine_.InitiatePeer(p.connection, p.address, peer, p.behind_nat, p.virtual_ip);
}

void InertiaService::OnPeerSeen(const ike::PeerSighting& s) {
  const config::Connection* c = engine_.FindConnection(s.connection);
  if (!c || !c->inertia) return;
  inertia::PeerRecord r;
  r.connection = s.connection;
  r.id_type = static_cast<uint8_t>(s.peer.type);
  r.id_data = s.peer.data;
  r.id_text = s.peer.text;
  r.address = s.remote;
  r.behind_nat = s.behind_nat;
  r.virtual_ip = s.virtual_ip;
  r.seen = clock_.WallSeconds();
  sa_peers_[s.ike_sa_id] = {r.connection, r.id_type, r.id_data};
  store_.Update(std::move(r));
}

bool InertiaService::ForgetsPeer(api::DownCause cause) {
  switch (cause) {
    case api::DownCause::kPeerDeleted:  // it left on purpose: do not call it back
      return true;
    case api::DownCause::kPeerDead:       // gone without a word: where it was is where to try
    case api::DownCause::kShutdown:       // what the restart is for
    case api::DownCause::kReplaced:       // its new IKE_SA reports the new address
    case api::DownCause::kRekeyed:        // the successor carries on
    case api::DownCause::kDeleted:        // the administrator's `down` ends this IKE_SA, not the peer's record
    case api::DownCause::kConfigChanged:  // Start() drops records of connections without inertia
    case api::DownCause::kExpired:
    case api::DownCause::kAuthFailed:
    case api::DownCause::kFailed:
    case api::DownCause::kNone:
      return false;
  }
  return false;
}

void InertiaService::OnEvent(const api::Event& e) {
  switch (e.kind) {
    case api::EventKind::kChildSaUp:
      if (reconnector_) reconnector_->OnAttemptDone(e.ike_sa_id, true);
      break;
    case api::EventKind::kFailed:
      if (reconnector_) reconnector_->OnAttemptDone(e.ike_sa_id, false);
      break;
    case api::EventKind::kIkeSaRekeyed:
      if (auto n = sa_peers_.extract(e.ike_sa_id)) {
        n.key() = e.new_sa_id;
        sa_peers_.insert(std::move(n));
      }
      break;
    case api::EventKind::kIkeSaDown:
      if (auto n = sa_peers_.extract(e.ike_sa_id); n && ForgetsPeer(e.cause)) {
        const auto& [conn, type, data] = n.mapped();
        store_.Forget(conn, type, data);
      }
      break;
    case api::EventKind::kConnectionState:
    case api::EventKind::kIkeSaUp:
    case api::EventKind::kChildSaDown:
    case api::EventKind::kChildSaRekeyed:
    case api::EventKind::kReloaded:
    case api::EventKind::kConnectionAdded:
    case api::EventKind::kConnectionRemoved:
      break;
  }
}

}  // namespace ikevpn::app
