#include "tests/unit/ike/rekey_fixture.h"

#include <algorithm>

namespace ikevpn::ike::testing {

RekeyTest::RekeyTest() {
  p.drop = [this](const Datagram& d) {
    Tap(d);
    return lose && lose(d);
  };
}

bool LowerNonce(const Bytes& a, const Bytes& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (a[i] != b[i]) return a[i] < b[i];
  return a.size() < b.size();
}

void RekeyTest::Load(config::Connection l, config::Connection r) {
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(std::move(l))});
  p.right.engine->SetConnections({std::make_shared<const config::Connection>(std::move(r))});
}

void RekeyTest::Establish(const std::string& esp) {
  config::Connection l = SiteToSite("s2s", true);
  config::Connection r = SiteToSite("s2s", false);
  l.esp_proposals = *config::ParseProposals(esp, ProtocolId::kEsp);
  r.esp_proposals = l.esp_proposals;
  Load(std::move(l), std::move(r));
  p.left.engine->Initiate("s2s");
  p.Pump();
  ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  ASSERT_EQ(p.right.engine->StateOf("s2s"), api::ConnectionState::kUp);
}

IkeSa* RekeyTest::Ike(Peer& peer) {
  IkeSa* found = nullptr;
  peer.engine->sas().ForEach([&](IkeSa& sa) {
    if (sa.successor == 0 && IsUsable(sa.state())) found = &sa;
  });
  return found;
}

std::vector<ChildSa*> RekeyTest::Children(Peer& peer) {
  std::vector<ChildSa*> out;
  if (IkeSa* sa = Ike(peer))
    for (auto& c : sa->children)
      if (c->installed()) out.push_back(c.get());
  return out;
}

bool RekeyTest::Deliver(Peer& from) {
  if (from.outbox.empty()) return false;
  Peer& to = &from == &p.left ? p.right : p.left;
  Datagram d = std::move(from.outbox.front());
  from.outbox.pop_front();
  if (p.drop && p.drop(d)) return true;
  to.engine->OnDatagram(d.data, d.to, d.from);
  return true;
}

void RekeyTest::Start(Peer& peer, std::unique_ptr<Exchange> exchange) {
  IkeSa* sa = Ike(peer);
  ASSERT_NE(sa, nullptr);
  peer.engine->Queue(*sa, std::move(exchange));
}

int RekeyTest::Count(const Peer& peer, api::EventKind kind) const {
  return static_cast<int>(std::count_if(peer.events.begin(), peer.events.end(),
                                        [kind](const api::Event& e) { return e.kind == kind; }));
}

bool RekeyTest::NeverFlapped(const Peer& peer) const {
  auto it = peer.interfaces.history.find(1);
  if (it == peer.interfaces.history.end()) return true;
  const std::vector<int>& h = it->second;
  return std::find(h.begin(), h.end(), 0) == h.end();
}

std::set<uint32_t> RekeyTest::Spis(const Peer& peer) const {
  std::set<uint32_t> out;
  for (const auto& [spi, sa] : peer.kernel.sas) out.insert(spi);
  return out;
}

std::vector<SeenMessage> RekeyTest::Seen(bool response) const {
  std::vector<SeenMessage> out;
  for (const SeenMessage& m : seen)
    if (m.response == response) out.push_back(m);
  return out;
}

void RekeyTest::Tap(const Datagram& d) {
  auto h = ParseHeader(d.data);
  if (!h.ok() || h->exchange != ExchangeType::kCreateChildSa) return;
  const bool from_left = d.from.address == p.left.address;
  Peer& to = from_left ? p.right : p.left;
  IkeSa* sa = to.engine->sas().FindByMySpi(h->initiator() ? h->spi_r : h->spi_i);
  if (!sa || !sa->keys) return;
  auto m = DecodeMessage(d.data, sa->keys->inbound.get());
  if (!m.ok()) return;
  SeenMessage s;
  s.from_left = from_left;
  s.response = h->response();
  if (const NoncePayload* n = m->Find<NoncePayload>()) s.nonce = n->nonce;
  if (const SaPayload* a = m->Find<SaPayload>(); a && !a->proposals.empty()) s.spi = a->proposals[0].spi;
  s.ke = m->Find<KePayload>() != nullptr;
  s.rekey_sa = m->HasNotify(NotifyType::kRekeySa);
  if (const NotifyPayload* e = m->FirstErrorNotify()) {
    s.error = e->type;
    s.has_error = true;
  }
  seen.push_back(std::move(s));
}

}  // namespace ikevpn::ike::testing
