// Address inertia between two engines: the gateway (right, remote = %any)
// reports where its peer is, and after a "restart" (a fresh engine, no
// Delete sent) it initiates to the remembered peer, whose stale IKE_SA the
// new one replaces (RFC 7296 §2.4 INITIAL_CONTACT) without the interface
// going down.
#include <gtest/gtest.h>

#include <cstdio>

#include "daemon/config/values.h"
#include "daemon/pool/lease_registry.h"
#include "tests/unit/ike/two_peers.h"

using namespace std::chrono_literals;

namespace ikevpn::ike::testing {
namespace {

class InertiaExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = SiteToSite("rw", true);
    client_.local_ts.selectors = {*TrafficSelector::Parse("10.1.0.5/32")};
    gateway_ = SiteToSite("rw", false);
    gateway_.remote = config::Host{};  // %any
    gateway_.remote_id.reset();
    gateway_.inertia = true;
    p.left.engine->SetConnections({std::make_shared<const config::Connection>(client_)});
    StartGateway();
  }

  // A new gateway engine (the old one, if any, vanishes without a word).
  void StartGateway() {
    p.right.engine.reset();
    p.right.outbox.clear();
    EngineSettings settings;
    settings.retransmit_jitter = 0;
    p.right.engine = std::make_unique<Engine>(EngineEnv{
        p.clock, p.timers, p.right.rng, p.right.kernel, p.right.interfaces, p.right, p.right.secrets,
        p.right.credentials, [this](const api::Event& e) { p.right.events.push_back(e); }, settings,
        [this](const PeerSighting& s) { seen.push_back(s); }});
    p.right.kernel.SetListener(p.right.engine.get());
    auto gw = std::make_shared<const config::Connection>(gateway_);
    if (!gateway_.pools.empty()) {
      // The leases as the restarted daemon finds them: read from its file.
      leases_ = std::make_unique<pool::LeaseRegistry>(lease_file_);
      ASSERT_TRUE(leases_->Load().ok());
      leases_->Configure({gw});
      p.right.engine->set_leases(leases_.get());
    }
    p.right.engine->SetConnections({gw});
  }

  // Both sides with virtual IPs: the client asks, the gateway leases from
  // 10.10.0.0/24 (persisted in lease_file_).
  void UseVirtualIps() {
    client_.local_ts = config::TsSpec{true, {}};
    client_.virtual_ip = true;
    client_.virtual_ip_families = {IpAddress::Family::kV4};
    gateway_.remote_ts = config::TsSpec{true, {}};
    gateway_.pools = *config::ParsePools("10.10.0.0/24");
    lease_file_ = ::testing::TempDir() + "inertia_exchange_leases.txt";
    std::remove(lease_file_.c_str());
    p.left.engine->SetConnections({std::make_shared<const config::Connection>(client_)});
    StartGateway();
  }

  config::Identity Client() const { return *client_.local_id; }

  // The client connects; its IKE_SA's id (0 if it did not come up).
  uint64_t ClientUp() {
    p.left.engine->Initiate("rw");
    p.Pump();
    auto ikes = p.left.engine->ListIkeSas();
    return p.left.engine->StateOf("rw") == api::ConnectionState::kUp && ikes.size() == 1 ? ikes[0].id : 0;
  }

  // kill -9 and restart of the gateway (the client keeps its IKE_SA); the
  // new gateway initiates to the client at 192.0.2.1:500 with TSr = `vip`.
  Result<uint64_t> RestartAndReinitiate(const IpAddress& vip) {
    p.Run(5s);
    StartGateway();
    // HDR, SAi1, KEi, Ni -->  (from the gateway, now the initiator)
    return p.right.engine->InitiatePeer("rw", Endpoint{*IpAddress::Parse("192.0.2.1"), 500}, Client(), false, vip);
  }

  std::string lease_file_;
  std::unique_ptr<pool::LeaseRegistry> leases_;  // outlives the engines in `p`
  TwoPeers p;
  config::Connection client_, gateway_;
  std::vector<PeerSighting> seen;
};

TEST_F(InertiaExchangeTest, GatewayReportsWhereItsPeerIs) {
  // Without MOBIKE (which moves both sides to port 4500, RFC 4555 §3.3).
  client_.mobike = false;
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(client_)});
  p.left.engine->Initiate("rw");
  p.Pump();
  ASSERT_EQ(p.right.engine->StateOf("rw"), api::ConnectionState::kUp);
  ASSERT_FALSE(seen.empty());
  const PeerSighting& s = seen.back();
  EXPECT_EQ(s.connection, "rw");
  EXPECT_TRUE(s.peer.Matches(Client()));
  EXPECT_EQ(s.remote.ToString(), "192.0.2.1:500");
  EXPECT_FALSE(s.behind_nat);
  ASSERT_TRUE(s.virtual_ip.has_value()) << "the CHILD_SA's single-host remote TS";
  EXPECT_EQ(s.virtual_ip->ToString(), "10.1.0.5");
}

TEST_F(InertiaExchangeTest, RestartedGatewayReplacesTheClientsStaleIkeSa) {
  const uint64_t stale = ClientUp();
  ASSERT_NE(stale, 0u);
  auto id = RestartAndReinitiate(*IpAddress::Parse("10.1.0.5"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // HDR, SK {IDi, IDr, AUTH, N(INITIAL_CONTACT), SAi2, TSi, TSr} --> ...
  p.Pump();
  EXPECT_EQ(p.right.engine->StateOf("rw"), api::ConnectionState::kUp);
  auto ikes = p.left.engine->ListIkeSas();
  ASSERT_EQ(ikes.size(), 1u) << "the stale IKE_SA is gone";
  EXPECT_NE(ikes[0].id, stale);
  EXPECT_FALSE(ikes[0].initiator);
  auto children = p.left.engine->ListChildSas();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].local_ts, std::vector<std::string>{"10.1.0.5/32"});
  // The client's ipsec0 counted 1 -> 2 -> 1 CHILD_SAs: never down.
  EXPECT_EQ(p.left.interfaces.history[1], (std::vector<int>{1, 2, 1}));
  // Its stale IKE_SA and CHILD_SA went as replaced, nothing failed.
  int downs = 0;
  for (const api::Event& e : p.left.events) {
    EXPECT_NE(e.kind, api::EventKind::kFailed) << e.reason;
    if (e.kind != api::EventKind::kIkeSaDown && e.kind != api::EventKind::kChildSaDown) continue;
    ++downs;
    EXPECT_EQ(e.ike_sa_id, stale);
    EXPECT_EQ(e.cause, api::DownCause::kReplaced) << e.reason;
  }
  EXPECT_EQ(downs, 2);
  // The gateway's new SA asked for the remembered TSr.
  auto gw_children = p.right.engine->ListChildSas();
  ASSERT_EQ(gw_children.size(), 1u);
  EXPECT_EQ(gw_children[0].remote_ts, std::vector<std::string>{"10.1.0.5/32"});
  // Running on the configured connection again: a reload with the same
  // configuration keeps it.
  p.right.engine->SetConnections({std::make_shared<const config::Connection>(gateway_)});
  p.Pump();
  EXPECT_EQ(p.right.engine->IkeSaCount("rw"), 1u);
  EXPECT_EQ(p.right.engine->StateOf("rw"), api::ConnectionState::kUp);
}

TEST_F(InertiaExchangeTest, RestartedGatewayKeepsTheClientsVirtualIpAndLease) {
  UseVirtualIps();
  const Prefix vip = *Prefix::Parse("10.10.0.1/32");
  const uint64_t stale = ClientUp();
  ASSERT_NE(stale, 0u);
  ASSERT_EQ(p.left.engine->ListIkeSas().at(0).virtual_ips, std::vector<Prefix>{vip});
  ASSERT_FALSE(seen.empty());
  ASSERT_EQ(seen.back().virtual_ip, vip.address) << "the gateway remembers the lease";
  auto id = RestartAndReinitiate(vip.address);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // HDR, SK {IDi, IDr, AUTH, N(INITIAL_CONTACT), SAi2, TSi, TSr=10.10.0.1} -->  (no CP)
  p.Pump();
  ASSERT_EQ(p.right.engine->StateOf("rw"), api::ConnectionState::kUp);
  // The client, now the responder, took the new IKE_SA as the replacement
  // and kept its address for it (TSr narrowed to it, not refused).
  auto ikes = p.left.engine->ListIkeSas();
  ASSERT_EQ(ikes.size(), 1u);
  EXPECT_NE(ikes[0].id, stale);
  EXPECT_FALSE(ikes[0].initiator);
  EXPECT_EQ(ikes[0].virtual_ips, std::vector<Prefix>{vip});
  auto children = p.left.engine->ListChildSas();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].local_ts, std::vector<std::string>{"10.10.0.1/32"});
  EXPECT_EQ(p.left.interfaces.addresses[1].count(vip), 1u) << "the address stays on ipsecN";
  EXPECT_EQ(p.left.interfaces.history[1], (std::vector<int>{1, 2, 1}));
  // The gateway's new SA holds the client's lease and routes it.
  auto gw = p.right.engine->ListIkeSas();
  ASSERT_EQ(gw.size(), 1u);
  EXPECT_EQ(gw[0].virtual_ips, std::vector<Prefix>{vip});
  EXPECT_EQ(p.right.interfaces.routes[1].count(vip), 1u);
  auto l = leases_->Leases("rw");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].address, vip.address);
  EXPECT_EQ(l[0].identity, Client().text);
  EXPECT_EQ(l[0].owner, gw[0].id);
  EXPECT_EQ(seen.back().virtual_ip, vip.address);

  // A child rekey keeps the narrowed selectors on both sides.
  p.Run(2h);
  children = p.left.engine->ListChildSas();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].local_ts, std::vector<std::string>{"10.10.0.1/32"});

  // The SA goes: the lease is reserved for the client again.
  ASSERT_TRUE(p.right.engine->Terminate("rw").ok());
  p.Pump();
  EXPECT_TRUE(p.right.interfaces.routes[1].empty());
  EXPECT_TRUE(p.left.interfaces.addresses[1].empty());
  l = leases_->Leases("rw");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].owner, 0u);
}

TEST_F(InertiaExchangeTest, NoSecondAttemptWhileThePeerIsConnected) {
  p.left.engine->Initiate("rw");
  p.Pump();
  auto id = p.right.engine->InitiatePeer("rw", Endpoint{*IpAddress::Parse("192.0.2.1"), 500}, Client(), false,
                                         std::nullopt);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Code::kExists);
  EXPECT_EQ(p.right.engine->IkeSaCount("rw"), 1u);
}

TEST_F(InertiaExchangeTest, PeerBehindNatIsReachedFromTheNatTPort) {
  auto id = p.right.engine->InitiatePeer("rw", Endpoint{*IpAddress::Parse("192.0.2.1"), 4500}, Client(), true,
                                         std::nullopt);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_EQ(p.right.outbox.size(), 1u);
  EXPECT_EQ(p.right.outbox.front().from.port, 4500);
  EXPECT_EQ(p.right.outbox.front().to.port, 4500);
}

// encap = force without a NAT: ESP is UDP-encapsulated and IKE runs on port
// 4500, but the gateway does not remember the client as behind a NAT; it
// still reaches it again from port 4500, where the client reads IKE.
TEST_F(InertiaExchangeTest, ForcedEncapsulationIsNotRememberedAsANat) {
  client_.mobike = false;  // MOBIKE alone would move IKE to port 4500 too
  client_.encap = config::Encap::kForce;
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(client_)});
  ASSERT_NE(ClientUp(), 0u);
  for (auto& [spi, sa] : p.right.kernel.sas) EXPECT_TRUE(sa.encap) << std::hex << spi;
  ASSERT_FALSE(seen.empty());
  const PeerSighting s = seen.back();
  EXPECT_EQ(s.remote.ToString(), "192.0.2.1:4500");
  EXPECT_FALSE(s.behind_nat);

  p.Run(5s);
  StartGateway();
  auto id = p.right.engine->InitiatePeer("rw", s.remote, s.peer, s.behind_nat, s.virtual_ip);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*) -->  from 4500 to 4500 (non-ESP marker)
  ASSERT_EQ(p.right.outbox.size(), 1u);
  EXPECT_EQ(p.right.outbox.front().from.port, kNatTPort);
  EXPECT_EQ(p.right.outbox.front().to.port, kNatTPort);
  p.Pump();
  EXPECT_EQ(p.right.engine->StateOf("rw"), api::ConnectionState::kUp);
  EXPECT_FALSE(seen.back().behind_nat);
}

TEST_F(InertiaExchangeTest, ClientBehindARealNatIsRememberedAsBehindIt) {
  client_.mobike = false;
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(client_)});
  // 192.0.2.1:port leaves as 198.51.100.7:30000+port.
  const IpAddress inside = *IpAddress::Parse("192.0.2.1"), outside = *IpAddress::Parse("198.51.100.7");
  p.rewrite = [=](Datagram& d) {
    if (d.from.address == inside) d.from = Endpoint{outside, static_cast<uint16_t>(d.from.port + 30000)};
    if (d.to.address == outside) d.to = Endpoint{inside, static_cast<uint16_t>(d.to.port - 30000)};
  };
  ASSERT_NE(ClientUp(), 0u);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().remote.ToString(), "198.51.100.7:34500");
  EXPECT_TRUE(seen.back().behind_nat);
}

TEST_F(InertiaExchangeTest, UnknownConnectionIsAnError) {
  auto id = p.right.engine->InitiatePeer("nope", Endpoint{*IpAddress::Parse("192.0.2.1"), 500}, Client(), false,
                                         std::nullopt);
  EXPECT_EQ(id.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace ikevpn::ike::testing
