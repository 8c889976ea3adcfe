#include "daemon/ike/exchange/peer_connection.h"

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/authenticator.h"

namespace ikevpn::ike {

namespace {

// -1: the host does not accept `a`; 1: it names `a`; 0: %any accepts it.
int HostScore(const config::Host& h, const IpAddress& a) {
  switch (h.kind) {
    case config::Host::Kind::kAddress:
      return h.address == a ? 1 : -1;
    case config::Host::Kind::kAny:
      return h.address.is_none() || h.address.family() == a.family() ? 0 : -1;
    case config::Host::Kind::kHostname:
      return -1;  // not resolved: cannot be matched to a peer
  }
  return -1;
}

// Larger is better; -1: not a candidate.
int Score(const config::Connection& c, const PeerFacts& f) {
  const int remote = HostScore(c.remote, f.remote);
  const int local = HostScore(c.local, f.local);
  if (remote < 0 || local < 0) return -1;
  int score = 2 * remote + local;
  if (f.peer_id && c.remote_id) {
    if (!IdentityMatches(*c.remote_id, *f.peer_id)) return -1;
    score += 8;
  }
  if (f.our_id && c.local_id) {
    if (!IdentityMatches(*c.local_id, *f.our_id)) return -1;
    score += 4;
  }
  if (f.peer_uses_psk && *f.peer_uses_psk != (c.remote_auth == config::AuthMethod::kPsk)) return -1;
  return score;
}

}  // namespace

std::shared_ptr<const config::Connection> SelectResponderConnection(const ConnectionMap& connections,
                                                                    const PeerFacts& facts,
                                                                    const config::Connection* current) {
  std::shared_ptr<const config::Connection> best;
  int best_score = -1;
  for (const auto& [name, c] : connections) {
    const int s = Score(*c, facts);
    if (s < 0) continue;
    if (s > best_score || (s == best_score && c.get() == current)) {
      best = c;
      best_score = s;
    }
  }
  return best;
}

void ReselectByIdentity(Engine& engine, IkeSa& sa, const Message& request, const config::Identity& peer) {
  std::optional<config::Identity> ours;
  if (const IdrPayload* idr = request.Find<IdrPayload>()) ours = IdentityOf(idr->type, idr->data);
  const AuthPayload* auth = request.Find<AuthPayload>();
  PeerFacts facts{sa.local.address, sa.remote.address, &peer, ours ? &*ours : nullptr, std::nullopt};
  if (auth) facts.peer_uses_psk = auth->method == AuthMethod::kSharedKey;
  auto best = SelectResponderConnection(engine.connections(), facts, &sa.connection());
  if (!best || best.get() == &sa.connection()) return;
  IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": peer " << peer.text << " belongs to connection "
                          << best->name;
  engine.sas().Rebind(sa, std::move(best));
}

}  // namespace ikevpn::ike
