// The responder's choice of connection (RFC 7296 §2.15): IKE_SA_INIT
// picks by address, IKE_AUTH again by the peer's IDi and the IDr it asks
// for, so connections with the same addresses (remote = %any) can differ
// by identity and PSK.
#include <gtest/gtest.h>

#include "daemon/ike/exchange/peer_connection.h"
#include "tests/unit/ike/two_peers.h"

namespace ikevpn::ike::testing {
namespace {

config::Identity Fqdn(const std::string& name) {
  return config::Identity{IdType::kFqdn, Bytes(name.begin(), name.end()), "@" + name};
}

// A responder connection on 192.0.2.2 for any peer address that must be
// `peer` (IDi) and authenticates with `psk`.
config::Connection RoadWarrior(const std::string& name, const std::string& peer, const std::string& psk) {
  config::Connection c = SiteToSite(name, false, psk);
  c.remote = config::Host{};  // %any
  c.remote_id = Fqdn(peer);
  return c;
}

// The initiator: left with identity `id` and `psk`.
config::Connection Client(const std::string& id, const std::string& psk) {
  config::Connection c = SiteToSite("gw", true, psk);
  c.local_id = Fqdn(id);
  return c;
}

class PeerSelectionTest : public ::testing::Test {
 protected:
  void Load(config::Connection l, std::vector<config::Connection> r) {
    p.left.engine->SetConnections({std::make_shared<const config::Connection>(std::move(l))});
    std::vector<std::shared_ptr<const config::Connection>> conns;
    for (auto& c : r) conns.push_back(std::make_shared<const config::Connection>(std::move(c)));
    p.right.engine->SetConnections(std::move(conns));
  }
  Status Connect() {
    Status result(Code::kInternal, "not called");
    p.left.engine->Initiate("gw", [&](Status s) { result = s; });
    p.Pump();
    return result;
  }
  TwoPeers p;
};

// Both connections accept 192.0.2.1 by address ("alice" sorts first and is
// taken in IKE_SA_INIT); bob's IDi and PSK move the SA to "bob".
TEST_F(PeerSelectionTest, SecondConnectionWithTheSameAddressesIsChosenByIdi) {
  Load(Client("bob", "bob-secret"),
       {RoadWarrior("alice", "alice", "alice-secret"), RoadWarrior("bob", "bob", "bob-secret")});
  // HDR, SK {IDi(@bob), IDr(@right), AUTH, SAi2, TSi, TSr} -->
  Status result = Connect();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.right.engine->StateOf("bob"), api::ConnectionState::kUp);
  EXPECT_EQ(p.right.engine->StateOf("alice"), api::ConnectionState::kDown);
  EXPECT_EQ(p.right.engine->IkeSaCount("bob"), 1u);
  EXPECT_EQ(p.right.engine->IkeSaCount("alice"), 0u);
  auto ikes = p.right.engine->ListIkeSas();
  ASSERT_EQ(ikes.size(), 1u);
  EXPECT_EQ(ikes[0].connection, "bob");
  EXPECT_EQ(ikes[0].remote_id, "@bob");
}

TEST_F(PeerSelectionTest, FirstConnectionStaysForItsOwnPeer) {
  Load(Client("alice", "alice-secret"),
       {RoadWarrior("alice", "alice", "alice-secret"), RoadWarrior("bob", "bob", "bob-secret")});
  ASSERT_TRUE(Connect().ok());
  EXPECT_EQ(p.right.engine->StateOf("alice"), api::ConnectionState::kUp);
  EXPECT_EQ(p.right.engine->IkeSaCount("bob"), 0u);
}

// Same remote-id rules, told apart by the IDr the initiator asks for.
TEST_F(PeerSelectionTest, IdrSelectsAmongOurIdentities) {
  config::Connection gw1 = RoadWarrior("gw1", "left", "one");
  gw1.local_id = Fqdn("gw1");
  config::Connection gw2 = RoadWarrior("gw2", "left", "two");
  gw2.local_id = Fqdn("gw2");
  config::Connection client = Client("left", "two");
  client.remote_id = Fqdn("gw2");
  Load(client, {gw1, gw2});
  Status result = Connect();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.right.engine->StateOf("gw2"), api::ConnectionState::kUp);
  EXPECT_EQ(p.right.engine->IkeSaCount("gw1"), 0u);
}

// A peer no connection accepts fails on the candidate IKE_SA_INIT chose,
// with that connection's reason.
TEST_F(PeerSelectionTest, UnknownIdentityIsRejected) {
  Load(Client("mallory", "alice-secret"),
       {RoadWarrior("alice", "alice", "alice-secret"), RoadWarrior("bob", "bob", "bob-secret")});
  Status result = Connect();
  EXPECT_EQ(result.code(), Code::kAuthFailed) << result.ToString();
  EXPECT_EQ(p.right.engine->ike_sa_count(), 0u);
  bool auth_failure = false;
  for (const api::Event& e : p.right.events)
    if (e.kind == api::EventKind::kFailed) auth_failure = e.cause == api::DownCause::kAuthFailed;
  EXPECT_TRUE(auth_failure);
}

TEST(SelectResponderConnection, ScoresAddressesIdentitiesAndAuthMethod) {
  ConnectionMap conns;
  auto add = [&](const config::Connection& c) { conns[c.name] = std::make_shared<const config::Connection>(c); };
  config::Connection any = RoadWarrior("any", "x", "k");
  any.remote_id.reset();
  add(any);
  config::Connection literal = SiteToSite("literal", false);
  literal.remote_id.reset();
  add(literal);
  config::Connection cert = RoadWarrior("cert", "bob", "k");
  cert.remote_auth = config::AuthMethod::kPubkey;
  add(cert);
  const IpAddress local = *IpAddress::Parse("192.0.2.2");
  const IpAddress peer = *IpAddress::Parse("192.0.2.1");
  const IpAddress other = *IpAddress::Parse("192.0.2.9");

  // By address: the literal remote beats %any.
  EXPECT_EQ(SelectResponderConnection(conns, PeerFacts{local, peer}, nullptr)->name, "literal");
  EXPECT_EQ(SelectResponderConnection(conns, PeerFacts{local, other}, nullptr)->name, "any");
  // A connection whose local address is another one is no candidate.
  EXPECT_EQ(SelectResponderConnection(conns, PeerFacts{other, other}, nullptr), nullptr);
  // A matching remote-id beats addresses; the auth method must fit.
  config::Identity bob = Fqdn("bob");
  PeerFacts f{local, peer, &bob};
  f.peer_uses_psk = false;
  EXPECT_EQ(SelectResponderConnection(conns, f, nullptr)->name, "cert");
  f.peer_uses_psk = true;
  EXPECT_EQ(SelectResponderConnection(conns, f, nullptr)->name, "literal");
  // A tie keeps the current connection ("any" would come first by name).
  EXPECT_EQ(SelectResponderConnection(conns, PeerFacts{local, other}, conns["cert"].get())->name, "cert");
}

}  // namespace
}  // namespace ikevpn::ike::testing
