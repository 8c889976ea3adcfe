#include "tests/unit/ike/two_peers.h"

#include <gtest/gtest.h>

namespace ikevpn::ike::testing {

Peer::Peer(const std::string& addr, uint32_t spi_base, FakeClock& clock, TimerQueue& timers, uint64_t seed)
    : address(*IpAddress::Parse(addr)), rng(seed), kernel(spi_base) {
  EngineSettings settings;
  settings.retransmit_jitter = 0;
  engine = std::make_unique<Engine>(EngineEnv{clock, timers, rng, kernel, interfaces, *this, secrets, credentials,
                                              [this](const api::Event& e) { events.push_back(e); }, settings});
  kernel.SetListener(engine.get());
}

config::Connection SiteToSite(const std::string& name, bool left, const std::string& psk) {
  config::Connection c;
  c.name = name;
  c.local = config::Host{config::Host::Kind::kAddress, left ? "192.0.2.1" : "192.0.2.2",
                         *IpAddress::Parse(left ? "192.0.2.1" : "192.0.2.2")};
  c.remote = config::Host{config::Host::Kind::kAddress, left ? "192.0.2.2" : "192.0.2.1",
                          *IpAddress::Parse(left ? "192.0.2.2" : "192.0.2.1")};
  c.local_id = config::Identity{IdType::kFqdn, Bytes{'l', 'e', 'f', 't'}, "@left"};
  c.remote_id = config::Identity{IdType::kFqdn, Bytes{'r', 'i', 'g', 'h', 't'}, "@right"};
  if (!left) std::swap(c.local_id, c.remote_id);
  c.auth = config::AuthMethod::kPsk;
  c.remote_auth = config::AuthMethod::kPsk;
  c.psk = config::InlinePsk{SecretBytes(ByteSpan(reinterpret_cast<const uint8_t*>(psk.data()), psk.size()))};
  c.ike_proposals = *config::ParseProposals("aes256gcm16-prfsha256-x25519", ProtocolId::kIke);
  c.esp_proposals = *config::ParseProposals("aes256gcm16", ProtocolId::kEsp);
  c.local_ts.selectors = {*TrafficSelector::Parse(left ? "10.1.0.0/16" : "10.2.0.0/16")};
  c.remote_ts.selectors = {*TrafficSelector::Parse(left ? "10.2.0.0/16" : "10.1.0.0/16")};
  c.interface = "ipsec0";
  c.if_id = 1;
  return c;
}

TwoPeers::TwoPeers()
    : left("192.0.2.1", 0xc1000000, clock, timers, 1), right("192.0.2.2", 0xc2000000, clock, timers, 2) {}

int TwoPeers::Pump(const std::function<bool(const Datagram&)>& drop_this) {
  const auto& drop = drop_this ? drop_this : this->drop;
  int delivered = 0;
  for (int rounds = 0; rounds < 1000; ++rounds) {
    bool any = false;
    for (auto [from, to] : {std::pair{&left, &right}, std::pair{&right, &left}}) {
      while (!from->outbox.empty()) {
        Datagram d = std::move(from->outbox.front());
        from->outbox.pop_front();
        any = true;
        if (drop && drop(d)) continue;
        ++delivered;
        if (rewrite) rewrite(d);
        to->engine->OnDatagram(d.data, d.to, d.from);
      }
    }
    if (!any) return delivered;
  }
  ADD_FAILURE() << "the wire never went quiet";
  return delivered;
}

Status TwoPeers::Establish(config::Connection l, config::Connection r) {
  const std::string name = l.name;
  left.engine->SetConnections({std::make_shared<const config::Connection>(std::move(l))});
  right.engine->SetConnections({std::make_shared<const config::Connection>(std::move(r))});
  Status result(Code::kInternal, "not called");
  left.engine->Initiate(name, [&](Status s) { result = s; });
  Pump();
  return result;
}

void TwoPeers::Run(Duration d) {
  TimePoint end = clock.Now() + d;
  TimePoint next;
  Pump();
  while (timers.NextDeadline(&next) && next <= end) {
    if (next > clock.Now()) clock.Advance(next - clock.Now());
    timers.RunDue();
    Pump();
  }
  if (end > clock.Now()) clock.Advance(end - clock.Now());
}

}  // namespace ikevpn::ike::testing
