// The Engine's part in address inertia (DESIGN.md "Road warriors and
// address inertia"): initiating to a remembered peer and reporting where
// peers are. A restarted peer's new IKE_SA replacing the stale one (RFC
// 7296 §2.4 INITIAL_CONTACT) is exchange/peer_uniqueness.cc.
#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/starters.h"

namespace ikevpn::ike {

namespace {

bool Alive(const IkeSa& sa) { return sa.state() != IkeSaState::kDeleting && sa.state() != IkeSaState::kDead; }

// The peer this SA is, or is meant to be, with.
bool IsWith(const IkeSa& sa, const config::Identity& peer) {
  if (!sa.peer_id_text.empty() || !sa.peer_id.data.empty()) return sa.peer_id.Matches(peer);
  return sa.initiator() && sa.connection().remote_id && sa.connection().remote_id->Matches(peer);
}

}  // namespace

Result<uint64_t> Engine::InitiatePeer(const std::string& name, const Endpoint& remote, const config::Identity& peer,
                                      bool nat_t, std::optional<IpAddress> virtual_ip) {
  auto it = connections_.find(name);
  if (it == connections_.end()) return Status(Code::kNotFound, "no connection named '" + name + "'");
  bool exists = false;
  sas_.ForEachOf(name, [&](IkeSa& sa) {
    exists = Alive(sa) && IsWith(sa, peer);
    return !exists;
  });
  if (exists) return Status(Code::kExists, "an IKE_SA with " + peer.text + " is up or under way");
  // This attempt's own view of the connection: the peer it wants (IDr and
  // the identity check) and, for a known inner address, TSr.
  auto conn = std::make_shared<config::Connection>(*it->second);
  conn->remote_id = peer;
  if (virtual_ip) {
    conn->remote_ts.dynamic = false;
    conn->remote_ts.selectors = {TrafficSelector::FromPrefix(
        Prefix{*virtual_ip, static_cast<uint8_t>(virtual_ip->is_v4() ? 32 : 128)})};
  }
  IkeSa* sa = NewInitiatorSa(std::move(conn), remote);
  // From the NAT-T port (RFC 3948 non-ESP marker) to a peer behind a NAT,
  // and to a peer last seen on that port: it reads only marked IKE there.
  if (nat_t || remote.port == settings().nat_port) sa->local.port = settings().nat_port;
  const uint64_t id = sa->id();
  inertia_sas_.insert(id);
  IKEVPN_LOG(kIke, kInfo) << "initiating IKE_SA " << name << "[" << id << "] to " << peer.text << " at "
                          << remote.ToString() << " (address inertia)";
  Emit({api::EventKind::kConnectionState, name, StateOf(name), id});
  Queue(*sa, MakeIkeSaInit());
  if (!sas_.FindById(id)) {
    inertia_sas_.erase(id);
    return Status(Code::kRetry, "cannot send IKE_SA_INIT to " + remote.ToString());
  }
  return id;
}

void Engine::OnPeerEstablished(IkeSa& sa) {
  if (inertia_sas_.erase(sa.id()) == 0) return;
  // Reloads compare an SA's Connection with the configured one: from now on
  // it runs on the shared one (the peer is authenticated; rekeys keep it).
  auto it = connections_.find(sa.connection().name);
  if (it != connections_.end()) sa.set_connection(it->second);
}

void Engine::ReportPeer(const IkeSa& sa) {
  if (!env_.peer_seen || !IsUsable(sa.state()) || sa.peer_id.data.empty()) return;
  PeerSighting s;
  s.ike_sa_id = sa.id();
  s.connection = sa.connection().name;
  s.peer = sa.peer_id;
  s.remote = sa.remote;
  // The peer's real NAT only: forced encapsulation or MOBIKE also move IKE
  // to the NAT-T port (remote.port tells InitiatePeer where to send from).
  s.behind_nat = sa.natt.seen.remote;
  // On a gateway (it has pools) virtual_ips are the peer's lease; on a
  // client they are our own address.
  if (!sa.connection().pools.empty() && !sa.virtual_ips.empty()) s.virtual_ip = sa.virtual_ips.front().address;
  if (!s.virtual_ip) {
    for (const auto& c : sa.children) {
      if (c->installed() && c->remote_ts.size() == 1 && c->remote_ts[0].start == c->remote_ts[0].end) {
        s.virtual_ip = c->remote_ts[0].start;
        break;
      }
    }
  }
  env_.peer_seen(s);
}

}  // namespace ikevpn::ike
