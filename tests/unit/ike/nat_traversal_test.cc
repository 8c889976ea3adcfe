// NAT detection and UDP encapsulation (RFC 7296 §2.23, RFC 3948): a NAT
// that was seen and ESP that is UDP-encapsulated are two separate facts.
// Forced encapsulation (encap = force, or a backend that can do only ESP in
// UDP) encapsulates without making either side report a NAT; a real NAT is
// reported and encapsulated as before.
#include <gtest/gtest.h>

#include "daemon/ike/exchange/nat_detection.h"
#include "daemon/ike/sa/ike_sa.h"
#include "tests/unit/ike/two_peers.h"

namespace ikevpn::ike::testing {
namespace {

Endpoint Ep(const char* a, uint16_t port) { return Endpoint{*IpAddress::Parse(a), port}; }

constexpr uint64_t kSpiI = 0x1111222233334444, kSpiR = 0x5555666677778888;

// ---- the hashes (no engine) ----

class NatHashTest : public ::testing::Test {
 protected:
  // A message from `from` to `to` carrying the payloads of AppendNatDetection.
  Message From(const Endpoint& from, const Endpoint& to, bool force_encap) {
    Message m;
    m.header.spi_i = kSpiI;
    m.header.spi_r = kSpiR;
    AppendNatDetection(m.payloads, kSpiI, kSpiR, from, to, force_encap);
    return m;
  }
  // Replaces the message's source hash with `data`.
  static void SetSource(Message& m, Bytes data) {
    for (Payload& p : m.payloads) {
      auto* n = std::get_if<NotifyPayload>(&p);
      if (n && n->type == NotifyType::kNatDetectionSourceIp) n->data = data;
    }
  }
  const Endpoint peer_ = Ep("192.0.2.1", kIkePort);
  const Endpoint us_ = Ep("192.0.2.2", kIkePort);
  IkeSa sa_{1, std::make_shared<const config::Connection>(SiteToSite("s2s", false)), false};
};

TEST_F(NatHashTest, MatchingHashesMeanNoNatAndNoEncapsulation) {
  ASSERT_TRUE(ProcessNatDetection(sa_, From(peer_, us_, false), us_, peer_));
  EXPECT_EQ(sa_.natt.seen, NatSeen{});
  EXPECT_FALSE(sa_.natt.forced_by_peer);
  EXPECT_FALSE(sa_.natt.udp_encap());
}

TEST_F(NatHashTest, ForcedSourceHashNamesTheAddressButNeverMatchesIt) {
  Message m = From(peer_, us_, true);
  const auto* source = m.FindNotify(NotifyType::kNatDetectionSourceIp);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->data.size(), kNatDetectionHashSize);
  EXPECT_EQ(source->data, ForcedEncapHash(kSpiI, kSpiR, peer_));
  EXPECT_NE(source->data, NatDetectionHash(kSpiI, kSpiR, peer_));
  // Deterministic, and bound to the address, the port and the SPIs.
  EXPECT_EQ(ForcedEncapHash(kSpiI, kSpiR, peer_), ForcedEncapHash(kSpiI, kSpiR, peer_));
  EXPECT_NE(ForcedEncapHash(kSpiI, kSpiR, peer_), ForcedEncapHash(kSpiI, kSpiR, Ep("192.0.2.1", kNatTPort)));
  EXPECT_NE(ForcedEncapHash(kSpiI, kSpiR, peer_), ForcedEncapHash(kSpiI, 0, peer_));
}

TEST_F(NatHashTest, PeerForcingEncapsulationIsNotANat) {
  ASSERT_TRUE(ProcessNatDetection(sa_, From(peer_, us_, true), us_, peer_));
  EXPECT_EQ(sa_.natt.seen, NatSeen{}) << "the peer's forced hash is not a NAT";
  EXPECT_TRUE(sa_.natt.forced_by_peer);
  EXPECT_TRUE(sa_.natt.udp_encap());
}

TEST_F(NatHashTest, ForcedHashOfATranslatedAddressIsANat) {
  // The peer forces encapsulation from behind a NAT: it hashed its own
  // address, the packet arrives from the NAT's.
  ASSERT_TRUE(ProcessNatDetection(sa_, From(peer_, us_, true), us_, Ep("198.51.100.7", 31000)));
  EXPECT_EQ(sa_.natt.seen, (NatSeen{.local = false, .remote = true}));
  EXPECT_FALSE(sa_.natt.forced_by_peer);
  EXPECT_TRUE(sa_.natt.udp_encap());
}

TEST_F(NatHashTest, UnknownSourceHashCountsAsTheRemoteNat) {
  // Another implementation forcing encapsulation (random source hash) cannot
  // be told from a NAT in front of it.
  Message m = From(peer_, us_, false);
  SetSource(m, Bytes(kNatDetectionHashSize, 0x5a));
  ASSERT_TRUE(ProcessNatDetection(sa_, m, us_, peer_));
  EXPECT_EQ(sa_.natt.seen, (NatSeen{.local = false, .remote = true}));
  EXPECT_TRUE(sa_.natt.udp_encap());
}

TEST_F(NatHashTest, DestinationMismatchMeansWeAreBehindANat) {
  // The peer sent to 203.0.113.9 (our NAT); it arrived at our own address.
  ASSERT_TRUE(ProcessNatDetection(sa_, From(peer_, Ep("203.0.113.9", kIkePort), false), us_, peer_));
  EXPECT_EQ(sa_.natt.seen, (NatSeen{.local = true, .remote = false}));
  EXPECT_TRUE(sa_.natt.udp_encap());
}

TEST_F(NatHashTest, WithoutNotifiesNothingChanges) {
  sa_.natt.seen.remote = true;
  Message m;
  m.header.spi_i = kSpiI;
  EXPECT_FALSE(ProcessNatDetection(sa_, m, us_, peer_));
  EXPECT_TRUE(sa_.natt.seen.remote);
}

// ---- two engines ----

IkeSa& OnlySa(Peer& p) {
  IkeSa* found = nullptr;
  p.engine->sas().ForEach([&](IkeSa& sa) { found = &sa; });
  EXPECT_NE(found, nullptr);
  return *found;
}

class NatTraversalTest : public ::testing::Test {
 protected:
  // Left initiates; both sides end up with one IKE_SA and its CHILD_SA.
  // Without MOBIKE, which moves IKE to port 4500 by itself (RFC 4555 §3.3).
  void Establish(config::Connection l, config::Connection r) {
    l.mobike = r.mobike = false;
    Status result = p.Establish(std::move(l), std::move(r));
    ASSERT_TRUE(result.ok()) << result.ToString();
    ASSERT_EQ(p.left.kernel.sas.size(), 2u);
    ASSERT_EQ(p.right.kernel.sas.size(), 2u);
  }

  // Left sits behind a NAT that maps 192.0.2.1:port to 198.51.100.7:30000+port.
  void NatInFrontOfLeft() {
    p.rewrite = [](Datagram& d) {
      if (d.from.address.ToString() == "192.0.2.1") d.from = Ep("198.51.100.7", d.from.port + 30000);
      if (d.to.address.ToString() == "198.51.100.7") d.to = Ep("192.0.2.1", d.to.port - 30000);
    };
  }

  // The responder accepts the initiator from any address (it may be NATed).
  static config::Connection Responder() {
    config::Connection r = SiteToSite("s2s", false);
    r.remote = config::Host{};
    return r;
  }

  static config::Connection Forced(config::Connection c) {
    c.encap = config::Encap::kForce;
    return c;
  }

  static void ExpectAllEncapsulated(const Peer& peer) {
    for (const auto& [spi, sa] : peer.kernel.sas) EXPECT_TRUE(sa.encap) << std::hex << spi;
  }

  TwoPeers p;
};

TEST_F(NatTraversalTest, NoNatNoForcePlainEsp) {
  Establish(SiteToSite("s2s", true), SiteToSite("s2s", false));
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(OnlySa(*peer).natt.seen, NatSeen{});
    EXPECT_FALSE(OnlySa(*peer).natt.udp_encap());
    for (const auto& [spi, sa] : peer->kernel.sas) EXPECT_FALSE(sa.encap);
  }
}

TEST_F(NatTraversalTest, ForcedEncapsulationWithoutNatReportsNoNat) {
  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP = forced), N(NAT_DETECTION_DESTINATION_IP) -->
  Establish(Forced(SiteToSite("s2s", true)), SiteToSite("s2s", false));
  // Neither side reports a NAT (ikevpnctl, D-Bus).
  for (Peer* peer : {&p.left, &p.right}) {
    auto ikes = peer->engine->ListIkeSas();
    ASSERT_EQ(ikes.size(), 1u);
    EXPECT_FALSE(ikes[0].nat_local);
    EXPECT_FALSE(ikes[0].nat_remote);
  }
  EXPECT_TRUE(OnlySa(p.left).natt.forced_here);
  EXPECT_TRUE(OnlySa(p.right).natt.forced_by_peer);
  // Yet IKE moved to port 4500 and every CHILD_SA is UDP-encapsulated, on
  // both sides (§2.23: the peer's "NAT" makes it encapsulate too).
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_TRUE(OnlySa(*peer).natt.udp_encap());
    EXPECT_EQ(OnlySa(*peer).local.port, kNatTPort);
    EXPECT_EQ(OnlySa(*peer).remote.port, kNatTPort);
    ExpectAllEncapsulated(*peer);
  }
}

TEST_F(NatTraversalTest, BothSidesForcingReportNoNat) {
  // What two daemons on the userspace backend do (it needs ESP in UDP).
  Establish(Forced(SiteToSite("s2s", true)), Forced(SiteToSite("s2s", false)));
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(OnlySa(*peer).natt.seen, NatSeen{});
    EXPECT_TRUE(OnlySa(*peer).natt.forced_here);
    EXPECT_TRUE(OnlySa(*peer).natt.forced_by_peer);
    ExpectAllEncapsulated(*peer);
  }
}

TEST_F(NatTraversalTest, RealNatIsReportedAndEncapsulated) {
  NatInFrontOfLeft();
  Establish(SiteToSite("s2s", true), Responder());
  EXPECT_EQ(OnlySa(p.left).natt.seen, (NatSeen{.local = true, .remote = false}));
  EXPECT_EQ(OnlySa(p.right).natt.seen, (NatSeen{.local = false, .remote = true}));
  auto ikes = p.right.engine->ListIkeSas();
  ASSERT_EQ(ikes.size(), 1u);
  EXPECT_TRUE(ikes[0].nat_remote);
  EXPECT_FALSE(ikes[0].nat_local);
  EXPECT_EQ(ikes[0].remote, Ep("198.51.100.7", 30000 + kNatTPort));
  ExpectAllEncapsulated(p.left);
  ExpectAllEncapsulated(p.right);
}

TEST_F(NatTraversalTest, RealNatIsReportedWhenTheNatedSideAlsoForces) {
  NatInFrontOfLeft();
  Establish(Forced(SiteToSite("s2s", true)), Responder());
  EXPECT_EQ(OnlySa(p.left).natt.seen, (NatSeen{.local = true, .remote = false}));
  EXPECT_EQ(OnlySa(p.right).natt.seen, (NatSeen{.local = false, .remote = true}));
  EXPECT_FALSE(OnlySa(p.right).natt.forced_by_peer);
  ExpectAllEncapsulated(p.left);
  ExpectAllEncapsulated(p.right);
}

}  // namespace
}  // namespace ikevpn::ike::testing
