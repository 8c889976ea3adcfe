// MOBIKE (RFC 4555) between two engines in one process: the initiator
// moves to a new address and tells the responder with UPDATE_SA_ADDRESSES;
// the IKE SA and its CHILD_SAs follow without a rekey.
#include <gtest/gtest.h>

#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/mobike.h"
#include "daemon/ike/exchange/starters.h"
#include "daemon/ike/message/protection.h"
#include "tests/unit/ike/two_peers.h"

namespace ikevpn::ike::testing {
namespace {

Endpoint Ep(const char* a, uint16_t port) { return Endpoint{*IpAddress::Parse(a), port}; }

IkeSa* OnlySa(Peer& p) {
  IkeSa* found = nullptr;
  p.engine->sas().ForEach([&](IkeSa& sa) { found = &sa; });
  return found;
}

class MobikeTest : public ::testing::Test {
 protected:
  void Establish(bool left_mobike = true, bool right_mobike = true) {
    config::Connection l = SiteToSite("s2s", true);
    config::Connection r = SiteToSite("s2s", false);
    l.mobike = left_mobike;
    r.mobike = right_mobike;
    Status result = p.Establish(std::move(l), std::move(r));
    ASSERT_TRUE(result.ok()) << result.ToString();
    left = OnlySa(p.left);
    right = OnlySa(p.right);
    ASSERT_TRUE(left && right);
  }

  // The left host's address changes to `to`; rtnetlink tells the daemon.
  void Move(const char* to) {
    p.left.address = *IpAddress::Parse(to);
    OnLocalAddressesChanged(*p.left.engine);
  }

  // Right's outbound SA (to the left host) and inbound SA (from it).
  const RecordingKernel::Sa& RightSa(bool inbound) {
    for (auto& [spi, sa] : p.right.kernel.sas)
      if (sa.inbound == inbound) return sa;
    ADD_FAILURE() << "no SA";
    return p.right.kernel.sas.begin()->second;
  }

  TwoPeers p;
  IkeSa* left = nullptr;
  IkeSa* right = nullptr;
};

TEST_F(MobikeTest, BothAnnounceMobikeAndIkeMovesToTheNatTPort) {
  Establish();
  EXPECT_TRUE(MobikeInUse(*left));
  EXPECT_TRUE(MobikeInUse(*right));
  // RFC 4555 §3.3: port 4500 even without a NAT.
  EXPECT_EQ(left->local.port, kNatTPort);
  EXPECT_EQ(left->remote, Ep("192.0.2.2", kNatTPort));
  EXPECT_EQ(right->local.port, kNatTPort);
  EXPECT_EQ(right->remote, Ep("192.0.2.1", kNatTPort));
  EXPECT_FALSE(left->natt.udp_encap() || right->natt.udp_encap());
}

TEST_F(MobikeTest, WithoutMobikeIkeStaysOnPort500) {
  Establish(/*left_mobike=*/false);
  EXPECT_FALSE(MobikeInUse(*left));
  EXPECT_FALSE(right->peer_mobike);
  EXPECT_EQ(left->remote, Ep("192.0.2.2", kIkePort));
  EXPECT_EQ(right->remote, Ep("192.0.2.1", kIkePort));
}

TEST_F(MobikeTest, UpdateMovesIkeAndChildSasWithoutRekey) {
  Establish();
  const uint64_t spi_i = right->spi_i, spi_r = right->spi_r;
  const size_t kernel_ops = p.right.kernel.ops.size();
  Move("192.0.2.11");
  // HDR, SK {N(UPDATE_SA_ADDRESSES), N(NAT_DETECTION_*), N(COOKIE2)} -->  (from the new address)
  ASSERT_EQ(p.left.outbox.size(), 1u);
  EXPECT_EQ(p.left.outbox.front().from, Ep("192.0.2.11", kNatTPort));
  // <-- HDR, SK {N(NAT_DETECTION_*), N(COOKIE2)}
  EXPECT_EQ(p.Pump(), 2);

  // The same IKE SA, now between the new addresses.
  ASSERT_EQ(p.right.engine->ike_sa_count(), 1u);
  EXPECT_EQ(OnlySa(p.right), right);
  EXPECT_EQ(right->spi_i, spi_i);
  EXPECT_EQ(right->spi_r, spi_r);
  EXPECT_EQ(right->remote, Ep("192.0.2.11", kNatTPort));
  EXPECT_EQ(left->local, Ep("192.0.2.11", kNatTPort));
  EXPECT_FALSE(left->natt.udp_encap() || right->natt.udp_encap());
  // Both CHILD_SA directions moved, in the backend, with no SA added or deleted.
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "192.0.2.11");
  EXPECT_EQ(RightSa(true).id.src.ToString(), "192.0.2.11");
  EXPECT_EQ(p.right.kernel.ops.size(), kernel_ops);
  for (auto& [spi, sa] : p.left.kernel.sas)
    EXPECT_EQ((sa.inbound ? sa.id.dst : sa.id.src).ToString(), "192.0.2.11") << std::hex << spi;
  EXPECT_EQ(p.right.engine->ChildSaCount("s2s"), 1u);

  // Nothing changed since: nothing is sent.
  OnLocalAddressesChanged(*p.left.engine);
  EXPECT_TRUE(p.left.outbox.empty());
}

TEST_F(MobikeTest, NatDetectedOnUpdateTurnsOnEncapsulation) {
  Establish();
  EXPECT_FALSE(RightSa(false).encap);
  // The new path goes through a NAT: 192.0.2.11:4500 <-> 198.51.100.7:31000.
  p.rewrite = [](Datagram& d) {
    if (d.from == Ep("192.0.2.11", kNatTPort)) d.from = Ep("198.51.100.7", 31000);
    if (d.to == Ep("198.51.100.7", 31000)) d.to = Ep("192.0.2.11", kNatTPort);
  };
  Move("192.0.2.11");
  EXPECT_EQ(p.Pump(), 2);
  EXPECT_EQ(right->remote, Ep("198.51.100.7", 31000));
  EXPECT_EQ(right->natt.seen, (NatSeen{.local = false, .remote = true}));
  EXPECT_EQ(left->natt.seen, (NatSeen{.local = true, .remote = false}));
  EXPECT_TRUE(right->natt.udp_encap());
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "198.51.100.7");
  EXPECT_TRUE(RightSa(false).encap);
  EXPECT_TRUE(RightSa(true).encap);
  for (auto& [spi, sa] : p.left.kernel.sas) EXPECT_TRUE(sa.encap);
}

TEST_F(MobikeTest, WrongCookie2InTheResponseClosesTheIkeSa) {
  Establish();
  Move("192.0.2.11");
  // The responder's answer is lost; a response with another COOKIE2 arrives.
  p.Pump([](const Datagram& d) { return d.to.address.ToString() == "192.0.2.11"; });
  ASSERT_TRUE(left->pending);
  IkeHeader h;
  h.spi_i = right->spi_i;
  h.spi_r = right->spi_r;
  h.exchange = ExchangeType::kInformational;
  h.flags = kFlagResponse;
  h.message_id = left->pending->message_id;
  Payloads payloads{MakeNotify(NotifyType::kCookie2, Bytes(16, 0x42))};
  auto chain = EncodePayloadChain(payloads);
  ASSERT_TRUE(chain.ok());
  auto forged = SealMessage(h, *chain, *right->keys->outbound, p.right.rng);
  ASSERT_TRUE(forged.ok());
  p.left.engine->OnDatagram(*forged, Ep("192.0.2.11", kNatTPort), Ep("192.0.2.2", kNatTPort));
  // §3.7: the values do not match, the IKE SA is closed.
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
  EXPECT_TRUE(p.left.kernel.sas.empty());
}

TEST_F(MobikeTest, ForgedUpdateIsIgnoredAndTheAuthenticOneMoves) {
  Establish();
  Move("192.0.2.11");
  std::vector<Datagram> captured;
  p.Pump([&](const Datagram& d) {
    captured.push_back(d);
    return true;
  });
  ASSERT_EQ(captured.size(), 1u);
  Datagram forged = captured[0];
  forged.data.back() ^= 0x01;  // the ICV no longer verifies
  p.right.engine->OnDatagram(forged.data, forged.to, forged.from);
  EXPECT_EQ(right->remote, Ep("192.0.2.1", kNatTPort));
  EXPECT_TRUE(p.right.outbox.empty());
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "192.0.2.1");

  p.right.engine->OnDatagram(captured[0].data, captured[0].to, captured[0].from);
  EXPECT_EQ(right->remote, Ep("192.0.2.11", kNatTPort));
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "192.0.2.11");
}

TEST_F(MobikeTest, OtherRequestsFromANewAddressAreAnsweredThereButDoNotMove) {
  Establish();
  // An authenticated liveness check from elsewhere, without UPDATE_SA_ADDRESSES.
  left->local.address = *IpAddress::Parse("192.0.2.11");
  p.left.engine->Queue(*left, MakeLiveness());
  std::vector<Endpoint> answers_to;
  p.Pump([&](const Datagram& d) {
    if (d.from.address == p.right.address) answers_to.push_back(d.to);
    return false;
  });
  ASSERT_EQ(answers_to.size(), 1u);
  EXPECT_EQ(answers_to[0], Ep("192.0.2.11", kNatTPort));  // RFC 7296 §2.11
  EXPECT_EQ(right->remote, Ep("192.0.2.1", kNatTPort));   // RFC 4555 §3.8
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "192.0.2.1");
}

TEST_F(MobikeTest, UpdateOnABrokenPathIsSentAgainFromTheNextAddress) {
  Establish();
  Move("192.0.2.11");
  // That path is broken: nothing gets through.
  p.Pump([](const Datagram&) { return true; });
  ASSERT_TRUE(left->pending);
  const uint32_t mid = left->pending->message_id;
  Move("192.0.2.12");
  ASSERT_EQ(p.left.outbox.size(), 1u);
  EXPECT_EQ(p.left.outbox.front().from, Ep("192.0.2.12", kNatTPort));
  EXPECT_EQ(p.Pump(), 2);
  EXPECT_FALSE(left->pending);
  EXPECT_EQ(left->next_request_id, mid + 1);
  EXPECT_EQ(right->remote, Ep("192.0.2.12", kNatTPort));
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "192.0.2.12");
  // The NAT detection of the resent request names the address it left from.
  EXPECT_FALSE(right->natt.udp_encap() || left->natt.udp_encap());
}

TEST_F(MobikeTest, ResponderWithoutMobikeIgnoresUpdates) {
  Establish(/*left_mobike=*/true, /*right_mobike=*/false);
  EXPECT_FALSE(MobikeInUse(*left));
  Move("192.0.2.11");
  EXPECT_TRUE(p.left.outbox.empty());  // no MOBIKE: no update sent
  // Sent anyway: the responder does not move.
  left->local.address = *IpAddress::Parse("192.0.2.11");
  p.left.engine->Queue(*left, MakeMobikeUpdate());
  p.Pump();
  EXPECT_EQ(right->remote.address.ToString(), "192.0.2.1");
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "192.0.2.1");
}

TEST_F(MobikeTest, WithoutMobikeAnEspMappingChangeMovesIkeAndChildSas) {
  Establish(/*left_mobike=*/false, /*right_mobike=*/false);
  // The backend saw authenticated ESP from a new NAT mapping (RFC 7296 §2.23).
  p.right.engine->OnMapping(RightSa(true).id, Ep("198.51.100.9", 31001));
  EXPECT_EQ(right->remote, Ep("198.51.100.9", 31001));
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "198.51.100.9");
  EXPECT_EQ(RightSa(true).id.src.ToString(), "198.51.100.9");
}

TEST_F(MobikeTest, WithMobikeAnEspMappingChangeDoesNotMoveAnything) {
  Establish();
  p.right.engine->OnMapping(RightSa(true).id, Ep("198.51.100.9", 31001));
  EXPECT_EQ(right->remote, Ep("192.0.2.1", kNatTPort));  // RFC 4555 §3.8
  EXPECT_EQ(RightSa(false).id.dst.ToString(), "192.0.2.1");
}

}  // namespace
}  // namespace ikevpn::ike::testing
