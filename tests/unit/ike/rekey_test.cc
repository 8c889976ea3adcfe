// CREATE_CHILD_SA between two engines: a further CHILD_SA, CHILD_SA rekey
// and IKE SA rekey, each step under its wire line. Collisions and the
// lifetime-driven rekeys are in rekey_collision_test.cc.
#include <gtest/gtest.h>

#include "tests/unit/ike/rekey_fixture.h"

using namespace std::chrono_literals;

namespace ikevpn::ike::testing {
namespace {

// Each SA of one side has its partner, with the same key, on the other.
void ExpectKeysPairUp(const Peer& a, const Peer& b) {
  ASSERT_EQ(a.kernel.sas.size(), b.kernel.sas.size());
  for (const auto& [spi, sa] : a.kernel.sas) {
    auto other = b.kernel.sas.find(spi);
    ASSERT_NE(other, b.kernel.sas.end()) << std::hex << spi;
    EXPECT_NE(sa.inbound, other->second.inbound);
    EXPECT_EQ(sa.encr_key, other->second.encr_key);
  }
}

TEST_F(RekeyTest, ChildRekeyInstallsTheSuccessorBeforeTheOldOneGoes) {
  Establish();
  ChildSa* old = Children(p.left)[0];
  const uint32_t old_in = old->spi_in, old_out = old->spi_out;
  const uint64_t old_id = old->id();
  const Bytes old_key = p.left.kernel.sas[old_in].encr_key;
  const TrafficSelectors old_ts = old->local_ts;
  const uint32_t old_reqid = old->reqid(), right_reqid = Children(p.right)[0]->reqid();
  const size_t ops_before = p.left.kernel.ops.size();
  Start(p.left, MakeChildRekey(old_id));

  /* CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, TSi, TSr} --> */
  ASSERT_TRUE(Deliver(p.left));
  ASSERT_EQ(Seen(false).size(), 1u);
  EXPECT_TRUE(Seen(false)[0].rekey_sa);
  EXPECT_FALSE(Seen(false)[0].ke);
  // The responder keeps the old pair until the Delete and adds only the new
  // inbound SA: the initiator cannot decrypt with the new keys before it
  // has our answer.
  EXPECT_EQ(p.right.kernel.sas.size(), 3u);
  EXPECT_TRUE(p.right.kernel.sas.count(old_in)) << "the responder still sends with the old SA";
  EXPECT_EQ(p.right.interfaces.children[1], 2);
  const size_t right_ops = p.right.kernel.ops.size();

  /* <-- CREATE_CHILD_SA {SA, Nr, TSi, TSr} */
  ASSERT_TRUE(Deliver(p.right));
  EXPECT_EQ(p.left.kernel.sas.size(), 3u);
  EXPECT_FALSE(p.left.kernel.sas.count(old_out)) << "traffic moves to the successor at once";
  EXPECT_TRUE(p.left.kernel.sas.count(old_in)) << "the old inbound SA still decrypts";

  /* INFORMATIONAL {D(ESP, old SPI)} --> */
  ASSERT_TRUE(Deliver(p.left));
  EXPECT_EQ(p.right.kernel.sas.size(), 2u);
  // The responder's new outbound SA goes in before the old pair goes out.
  const auto& rops = p.right.kernel.ops;
  ASSERT_EQ(rops.size(), right_ops + 3);
  EXPECT_TRUE(rops[right_ops].add);
  EXPECT_EQ(rops[right_ops].spi, Children(p.left).back()->spi_in);
  EXPECT_FALSE(rops[right_ops + 1].add || rops[right_ops + 2].add);
  /* <-- INFORMATIONAL {D(ESP, old SPI)} */
  ASSERT_TRUE(Deliver(p.right));
  EXPECT_EQ(p.left.kernel.sas.size(), 2u);
  EXPECT_FALSE(Deliver(p.left) || Deliver(p.right));

  // New SPIs and new keys (KEYMAT from this exchange's nonces), paired up.
  ExpectKeysPairUp(p.left, p.right);
  EXPECT_FALSE(p.left.kernel.sas.count(old_in));
  for (const auto& [spi, sa] : p.left.kernel.sas) EXPECT_NE(sa.encr_key, old_key);
  // Make-before-break: both new SAs in, then old outbound, then old inbound out.
  const auto& ops = p.left.kernel.ops;
  ASSERT_EQ(ops.size(), ops_before + 4);
  EXPECT_TRUE(ops[ops_before].add && ops[ops_before + 1].add);
  EXPECT_FALSE(ops[ops_before + 2].add);
  EXPECT_EQ(ops[ops_before + 2].spi, old_out);
  EXPECT_EQ(ops[ops_before + 3].spi, old_in);
  // The link never flaps: 1 -> 2 -> 1 on both sides.
  EXPECT_EQ(p.left.interfaces.history[1], (std::vector<int>{1, 2, 1}));
  EXPECT_EQ(p.right.interfaces.history[1], (std::vector<int>{1, 2, 1}));
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(Count(*peer, api::EventKind::kChildSaRekeyed), 1);
    EXPECT_EQ(Count(*peer, api::EventKind::kChildSaDown), 0);
    EXPECT_EQ(peer->engine->StateOf("s2s"), api::ConnectionState::kUp);
    ASSERT_EQ(Children(*peer).size(), 1u);
  }
  auto e = std::find_if(p.left.events.begin(), p.left.events.end(),
                        [](const api::Event& x) { return x.kind == api::EventKind::kChildSaRekeyed; });
  ASSERT_NE(e, p.left.events.end());
  EXPECT_EQ(e->child_sa_id, old_id);
  EXPECT_EQ(e->new_sa_id, Children(p.left)[0]->id());
  EXPECT_EQ(Children(p.left)[0]->if_id, 1u);
  EXPECT_EQ(Children(p.left)[0]->local_ts, old_ts);
  // The successor keeps the reqid: the policies, installed once and shared
  // with it, name that reqid in their template, and the kernel only sends
  // traffic to an SA whose reqid matches (else XfrmOutNoStates).
  EXPECT_EQ(Children(p.left)[0]->reqid(), old_reqid);
  EXPECT_EQ(Children(p.right)[0]->reqid(), right_reqid);
  for (Peer* peer : {&p.left, &p.right}) {
    const uint32_t reqid = Children(*peer)[0]->reqid();
    for (const auto& [spi, sa] : peer->kernel.sas) EXPECT_EQ(sa.reqid, reqid) << std::hex << spi;
    ASSERT_FALSE(peer->kernel.policy_reqids.empty());
    for (uint32_t r : peer->kernel.policy_reqids) EXPECT_EQ(r, reqid);
  }
}

TEST_F(RekeyTest, ChildRekeyWithPfsCarriesKeyExchangePayloads) {
  Establish("aes256gcm16-x25519");
  const uint32_t old_in = Children(p.left)[0]->spi_in;
  Start(p.left, MakeChildRekey(Children(p.left)[0]->id()));
  /* CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, KEi, TSi, TSr} -->  <-- {SA, Nr, KEr, TSi, TSr}  D -->  <-- D */
  EXPECT_EQ(p.Pump(), 4);
  ASSERT_EQ(Seen(false).size(), 1u);
  EXPECT_TRUE(Seen(false)[0].ke);
  EXPECT_TRUE(Seen(true)[0].ke);
  ExpectKeysPairUp(p.left, p.right);
  EXPECT_FALSE(p.left.kernel.sas.count(old_in));
  ASSERT_EQ(Children(p.right).size(), 1u);
  EXPECT_EQ(Children(p.right)[0]->algorithms.ke_id(), KeId::kCurve25519);
}

TEST_F(RekeyTest, InvalidKePayloadOnCreateChildSaIsRetriedWithTheWantedMethod) {
  config::Connection l = SiteToSite("s2s", true);
  l.esp_proposals = *config::ParseProposals("aes256gcm16-x25519-ecp256", ProtocolId::kEsp);
  config::Connection r = SiteToSite("s2s", false);
  r.esp_proposals = *config::ParseProposals("aes256gcm16-ecp256", ProtocolId::kEsp);
  Load(std::move(l), std::move(r));
  p.left.engine->Initiate("s2s");
  p.Pump();
  Start(p.left, MakeChildRekey(Children(p.left)[0]->id()));
  /* CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, KEi(x25519), TSi, TSr} --> */
  /* <-- CREATE_CHILD_SA {N(INVALID_KE_PAYLOAD, 19)} */
  /* CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, KEi(ecp256), TSi, TSr} -->  <-- {SA, Nr, KEr, TSi, TSr}  D -->  <-- D */
  EXPECT_EQ(p.Pump(), 6);
  ASSERT_EQ(Seen(true).size(), 2u);
  EXPECT_TRUE(Seen(true)[0].has_error);
  EXPECT_EQ(Seen(true)[0].error, NotifyType::kInvalidKePayload);
  ASSERT_EQ(Children(p.left).size(), 1u);
  EXPECT_EQ(Children(p.left)[0]->algorithms.ke_id(), KeId::kEcp256);
  ExpectKeysPairUp(p.left, p.right);
  EXPECT_TRUE(NeverFlapped(p.left) && NeverFlapped(p.right));
}

TEST_F(RekeyTest, FurtherChildSaWithPfsUsesTheExchangeNonces) {
  Establish("aes256gcm16-x25519");
  Start(p.right, MakeChildCreate());
  /* CREATE_CHILD_SA {SA, Ni, KEi, TSi, TSr} --> */
  ASSERT_TRUE(Deliver(p.right));
  /* <-- CREATE_CHILD_SA {SA, Nr, KEr, TSi, TSr} */
  ASSERT_TRUE(Deliver(p.left));
  EXPECT_FALSE(Deliver(p.left) || Deliver(p.right));
  ASSERT_EQ(Seen(false).size(), 1u);
  EXPECT_FALSE(Seen(false)[0].rekey_sa);
  EXPECT_TRUE(Seen(false)[0].ke && Seen(true)[0].ke);
  EXPECT_EQ(Seen(false)[0].nonce.size(), 32u);
  EXPECT_NE(Seen(false)[0].nonce, Seen(true)[0].nonce);
  EXPECT_EQ(Children(p.left).size(), 2u);
  EXPECT_EQ(Children(p.right).size(), 2u);
  EXPECT_EQ(p.left.interfaces.children[1], 2);
  EXPECT_EQ(Count(p.right, api::EventKind::kChildSaUp), 2);
  ExpectKeysPairUp(p.left, p.right);
}

TEST_F(RekeyTest, LostMessagesDuringAChildRekeyAreRetransmitted) {
  Establish();
  int responses = 0, deletes = 0;
  lose = [&](const Datagram& d) {
    auto h = ParseHeader(d.data);
    if (h->exchange == ExchangeType::kCreateChildSa && h->response()) return ++responses == 1;
    if (h->exchange == ExchangeType::kInformational && !h->response()) return ++deletes == 1;
    return false;
  };
  Start(p.left, MakeChildRekey(Children(p.left)[0]->id()));
  p.Pump();
  EXPECT_EQ(p.right.kernel.sas.size(), 3u);  // answered (new inbound SA), but the answer was lost
  EXPECT_EQ(p.left.kernel.sas.size(), 2u);
  p.Run(10s);
  // One successor only: the retransmitted request was answered from the cache.
  EXPECT_EQ(responses, 2);
  EXPECT_EQ(p.right.engine->ListChildSas().size(), 1u);
  EXPECT_EQ(p.left.engine->ListChildSas().size(), 1u);
  ExpectKeysPairUp(p.left, p.right);
  EXPECT_EQ(p.left.kernel.sas.size(), 2u);
  EXPECT_TRUE(NeverFlapped(p.left) && NeverFlapped(p.right));
}

TEST_F(RekeyTest, ResponderSendsWithTheSuccessorOnceTheOldChildSaIsNotDeletedInTime) {
  Establish();
  // A peer that keeps the old CHILD_SA after the rekey: its Delete never
  // arrives.
  lose = [](const Datagram& d) {
    auto h = ParseHeader(d.data);
    return h->exchange == ExchangeType::kInformational && !h->response();
  };
  const uint32_t old_in_right = Children(p.right)[0]->spi_in;
  Start(p.left, MakeChildRekey(Children(p.left)[0]->id()));
  ASSERT_TRUE(Deliver(p.left));
  ASSERT_TRUE(Deliver(p.right));
  const uint32_t new_out_right = Children(p.left).back()->spi_in;
  ASSERT_NE(new_out_right, 0u);
  EXPECT_FALSE(p.right.kernel.sas.count(new_out_right));
  p.Run(4s);
  EXPECT_FALSE(p.right.kernel.sas.count(new_out_right)) << "too early";
  p.Run(2s);
  EXPECT_TRUE(p.right.kernel.sas.count(new_out_right)) << "the wait is bounded";
  EXPECT_TRUE(p.right.kernel.sas.count(old_in_right)) << "the old CHILD_SA stays until deleted";
  EXPECT_TRUE(NeverFlapped(p.right));
}

TEST_F(RekeyTest, IkeRekeyMovesTheChildrenAndTheDeleteRemovesExactlyTheOldSa) {
  Establish();
  IkeSa* old = Ike(p.right);
  const uint64_t old_id = old->id(), old_spi_i = old->spi_i;
  const std::set<uint32_t> child_spis = Spis(p.right);
  const uint64_t child_id = Children(p.right)[0]->id();
  const size_t left_ops = p.left.kernel.ops.size(), right_ops = p.right.kernel.ops.size();
  // The responder of IKE_SA_INIT initiates the rekey: it becomes the new SA's initiator (§2.18).
  Start(p.right, MakeIkeRekey());

  /* CREATE_CHILD_SA {SA(IKE, new SPIi), Ni, KEi} --> */
  ASSERT_TRUE(Deliver(p.right));
  EXPECT_EQ(p.left.engine->ike_sa_count(), 2u);
  /* <-- CREATE_CHILD_SA {SA(IKE, new SPIr), Nr, KEr} */
  ASSERT_TRUE(Deliver(p.left));
  EXPECT_EQ(p.right.engine->ike_sa_count(), 2u);
  ASSERT_EQ(Seen(false).size(), 1u);
  EXPECT_TRUE(Seen(false)[0].ke && Seen(true)[0].ke);
  /* INFORMATIONAL {D(IKE)} -->   (on the old IKE SA) */
  ASSERT_TRUE(Deliver(p.right));
  EXPECT_EQ(p.left.engine->ike_sa_count(), 1u);
  /* <-- INFORMATIONAL {} */
  ASSERT_TRUE(Deliver(p.left));
  EXPECT_EQ(p.right.engine->ike_sa_count(), 1u);
  EXPECT_FALSE(Deliver(p.left) || Deliver(p.right));

  IkeSa* fresh_r = Ike(p.right);
  IkeSa* fresh_l = Ike(p.left);
  ASSERT_TRUE(fresh_r && fresh_l);
  EXPECT_EQ(p.right.engine->sas().FindById(old_id), nullptr);
  EXPECT_NE(fresh_r->spi_i, old_spi_i);
  EXPECT_EQ(fresh_r->spi_i, LoadBe64(Seen(false)[0].spi.data()));
  EXPECT_EQ(fresh_r->spi_r, LoadBe64(Seen(true)[0].spi.data()));
  EXPECT_EQ(fresh_l->spi_i, fresh_r->spi_i);
  EXPECT_EQ(fresh_l->spi_r, fresh_r->spi_r);
  EXPECT_TRUE(fresh_r->initiator());
  EXPECT_FALSE(fresh_l->initiator());
  // The CHILD_SAs moved untouched: no kernel change at all.
  EXPECT_EQ(Spis(p.right), child_spis);
  EXPECT_EQ(p.left.kernel.ops.size(), left_ops);
  EXPECT_EQ(p.right.kernel.ops.size(), right_ops);
  ASSERT_EQ(Children(p.right).size(), 1u);
  EXPECT_EQ(Children(p.right)[0]->id(), child_id);
  EXPECT_EQ(Children(p.right)[0]->ike_sa_id(), fresh_r->id());
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaRekeyed), 1);
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaDown), 0);
    EXPECT_EQ(Count(*peer, api::EventKind::kChildSaDown), 0);
    EXPECT_EQ(Count(*peer, api::EventKind::kFailed), 0);
    EXPECT_EQ(peer->engine->StateOf("s2s"), api::ConnectionState::kUp);
    EXPECT_TRUE(NeverFlapped(*peer));
  }
}

TEST_F(RekeyTest, LostMessagesDuringAnIkeRekeyLeaveOneIkeSaAndTheChildUp) {
  Establish();
  int rekey_responses = 0, delete_responses = 0;
  lose = [&](const Datagram& d) {
    auto h = ParseHeader(d.data);
    if (!h->response()) return false;
    if (h->exchange == ExchangeType::kCreateChildSa) return ++rekey_responses == 1;
    return h->exchange == ExchangeType::kInformational && ++delete_responses == 1;
  };
  const std::set<uint32_t> child_spis = Spis(p.left);
  Start(p.left, MakeIkeRekey());
  /* CREATE_CHILD_SA {SA(IKE), Ni, KEi} -->  <-- {SA(IKE), Nr, KEr} (lost) */
  p.Pump();
  EXPECT_EQ(p.right.engine->ike_sa_count(), 2u);
  /* retransmitted, answered from the old SA's cache; D(IKE) -->  <-- {} (lost) */
  /* the Delete is retransmitted to an SA the peer no longer has, then given up */
  p.Run(120s);
  EXPECT_EQ(rekey_responses, 2);
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(peer->engine->ike_sa_count(), 1u);
    EXPECT_EQ(Spis(*peer), child_spis);
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaRekeyed), 1);
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaDown), 0);
    EXPECT_EQ(Count(*peer, api::EventKind::kFailed), 0);
    EXPECT_EQ(peer->engine->StateOf("s2s"), api::ConnectionState::kUp);
  }
  EXPECT_EQ(Ike(p.left)->spi_i, Ike(p.right)->spi_i);
}

TEST_F(RekeyTest, ChildRekeyAndDeleteRunOnTheRekeyedIkeSa) {
  Establish("aes256gcm16-x25519");
  Start(p.left, MakeIkeRekey());
  /* CREATE_CHILD_SA {SA(IKE), Ni, KEi} -->  <-- {SA(IKE), Nr, KEr}  D(IKE) -->  <-- {} */
  EXPECT_EQ(p.Pump(), 4);
  ASSERT_EQ(p.left.engine->ike_sa_count(), 1u);
  Start(p.left, MakeChildRekey(Children(p.left)[0]->id()));
  /* CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, KEi, TSi, TSr} -->  <-- {SA, Nr, KEr, TSi, TSr}  D -->  <-- D */
  EXPECT_EQ(p.Pump(), 4);
  ExpectKeysPairUp(p.left, p.right);
  EXPECT_EQ(p.left.kernel.sas.size(), 2u);
  EXPECT_EQ(Count(p.right, api::EventKind::kChildSaRekeyed), 1);
  // The new IKE SA owns the CHILD_SA: deleting it takes everything down.
  /* INFORMATIONAL {D(IKE)} -->  <-- {} */
  ASSERT_TRUE(p.left.engine->Terminate("s2s").ok());
  EXPECT_EQ(p.Pump(), 2);
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(peer->engine->ike_sa_count(), 0u);
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->kernel.policies.empty());
    EXPECT_FALSE(peer->interfaces.up(1));
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaDown), 1);
    EXPECT_EQ(Count(*peer, api::EventKind::kFailed), 0);
  }
}

}  // namespace
}  // namespace ikevpn::ike::testing
