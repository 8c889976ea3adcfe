// Exchange collisions around rekeying (RFC 7296 §2.8.1, §2.8.2, §2.25) and
// rekeys driven by short lifetimes over simulated minutes.
#include <gtest/gtest.h>

#include "daemon/ike/exchange/child_negotiation.h"
#include "tests/unit/ike/rekey_fixture.h"

using namespace std::chrono_literals;

namespace ikevpn::ike::testing {
namespace {

// §2.8.1/§2.8.2: both ends rekey the same SA at once. The exchange holding
// the lowest of the four nonces loses; only the other one's successor is
// left, on both sides, and nothing goes down.
struct CollisionRow {
  const char* name;
  bool ike;             // IKE SA rekey (else CHILD_SA rekey)
  uint64_t left_seed;   // the nonces come from these
  uint64_t right_seed;
  bool left_wins;       // the left's exchange survives
  bool lossy = false;   // the first answer to the left's request is lost
};

class RekeyCollisionTest : public RekeyTest, public ::testing::WithParamInterface<CollisionRow> {};

TEST_P(RekeyCollisionTest, OnlyTheSuccessorOfTheHigherNoncesSurvives) {
  const CollisionRow& row = GetParam();
  Establish();
  p.left.rng = DeterministicRng(row.left_seed);
  p.right.rng = DeterministicRng(row.right_seed);
  const std::set<uint32_t> child_spis = Spis(p.left);
  Start(p.left, row.ike ? MakeIkeRekey() : MakeChildRekey(Children(p.left)[0]->id()));
  Start(p.right, row.ike ? MakeIkeRekey() : MakeChildRekey(Children(p.right)[0]->id()));
  /* CREATE_CHILD_SA {[N(REKEY_SA),] SA, Ni, [KEi], [TSi, TSr]} -->  <-- the same, crossing */
  /* each answers the other:  <-- {SA, Nr, ...}  {SA, Nr, ...} --> */
  /* the losing exchange's initiator deletes its successor, the winner's the old SA: D --> <-- D */
  int answers_to_left = 0;
  lose = [&](const Datagram& d) {
    auto h = ParseHeader(d.data);
    return row.lossy && h->exchange == ExchangeType::kCreateChildSa && h->response() &&
           d.from.address == p.right.address && ++answers_to_left == 1;
  };
  p.Pump();
  p.Run(70s);  // retransmissions, and a lingering replaced SA going, if lossy

  // The first of each (a retransmission repeats it).
  auto first = [this](bool response, bool from_left) {
    for (const SeenMessage& m : seen)
      if (m.response == response && m.from_left == from_left) return m;
    ADD_FAILURE() << "missing message";
    return SeenMessage{};
  };
  const SeenMessage left_req = first(false, true), right_req = first(false, false);
  const SeenMessage right_resp = first(true, false), left_resp = first(true, true);
  ASSERT_FALSE(right_resp.has_error || left_resp.has_error);
  const Bytes* lowest = &left_req.nonce;
  for (const Bytes* n : {&right_resp.nonce, &right_req.nonce, &left_resp.nonce})
    if (LowerNonce(*n, *lowest)) lowest = n;
  const bool left_lost = lowest == &left_req.nonce || lowest == &right_resp.nonce;
  EXPECT_EQ(!left_lost, row.left_wins) << "the table row disagrees with the nonces on the wire";
  const SeenMessage& win_req = left_lost ? right_req : left_req;
  const SeenMessage& win_resp = left_lost ? left_resp : right_resp;

  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(peer->engine->ike_sa_count(), 1u);
    ASSERT_EQ(Children(*peer).size(), 1u);
    EXPECT_TRUE(NeverFlapped(*peer));
    EXPECT_EQ(Count(*peer, api::EventKind::kChildSaDown), 0);
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaDown), 0);
    EXPECT_EQ(Count(*peer, api::EventKind::kFailed), 0);
    EXPECT_EQ(Count(*peer, row.ike ? api::EventKind::kIkeSaRekeyed : api::EventKind::kChildSaRekeyed), 1);
    if (row.ike) {
      EXPECT_EQ(Spis(*peer), child_spis);
      EXPECT_EQ(Ike(*peer)->spi_i, LoadBe64(win_req.spi.data()));
      EXPECT_EQ(Ike(*peer)->spi_r, LoadBe64(win_resp.spi.data()));
    } else {
      EXPECT_EQ(Spis(*peer), (std::set<uint32_t>{LoadBe32(win_req.spi.data()), LoadBe32(win_resp.spi.data())}));
    }
  }
  EXPECT_EQ(Ike(p.left)->initiator(), !left_lost || !row.ike);
  EXPECT_EQ(Spis(p.left), Spis(p.right));
}

INSTANTIATE_TEST_SUITE_P(
    Table, RekeyCollisionTest,
    ::testing::Values(CollisionRow{"ChildLeftWins", false, 11, 12, true},
                      CollisionRow{"ChildRightWins", false, 15, 16, false},
                      CollisionRow{"IkeLeftWins", true, 13, 14, true},
                      CollisionRow{"IkeRightWins", true, 11, 12, false},
                      CollisionRow{"ChildLeftWinsLossy", false, 11, 12, true, true},
                      CollisionRow{"ChildRightWinsLossy", false, 15, 16, false, true},
                      CollisionRow{"IkeLeftWinsLossy", true, 13, 14, true, true},
                      CollisionRow{"IkeRightWinsLossy", true, 11, 12, false, true}),
    [](const ::testing::TestParamInfo<CollisionRow>& i) { return std::string(i.param.name); });

// §2.25.1: a rekey of a CHILD_SA the peer is deleting is answered with
// TEMPORARY_FAILURE and abandoned; the CHILD_SA is gone on both sides.
TEST_F(RekeyTest, RekeyCollidingWithADeleteOfTheSameChildIsAbandoned) {
  Establish();
  Start(p.left, MakeChildDelete(Children(p.left)[0]->id(), api::DownCause::kDeleted));
  Start(p.right, MakeChildRekey(Children(p.right)[0]->id()));
  /* INFORMATIONAL {D(ESP)} -->   CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, TSi, TSr} <-- (crossing) */
  /* <-- INFORMATIONAL {D(ESP)}   CREATE_CHILD_SA {N(TEMPORARY_FAILURE)} --> */
  p.Pump();
  ASSERT_EQ(Seen(true).size(), 1u);
  EXPECT_EQ(Seen(true)[0].error, NotifyType::kTemporaryFailure);
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->engine->ListChildSas().empty());
    EXPECT_EQ(Count(*peer, api::EventKind::kChildSaDown), 1);
    EXPECT_EQ(peer->engine->ike_sa_count(), 1u);
  }
  p.Run(30s);  // and no retry brings it back
  EXPECT_TRUE(p.right.kernel.sas.empty());
}

// §2.25: CHILD_SA_NOT_FOUND makes the rekey initiator drop its CHILD_SA
// and create a new one.
TEST_F(RekeyTest, RekeyOfAChildThePeerDoesNotKnowCreatesANewOne) {
  Establish();
  IkeSa* left_sa = Ike(p.left);
  RemoveChildSa(*p.left.engine, *left_sa, Children(p.left)[0]->id(), api::DownCause::kDeleted, "lost");
  Start(p.right, MakeChildRekey(Children(p.right)[0]->id()));
  /* CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, TSi, TSr} -->  <-- {N(CHILD_SA_NOT_FOUND)} */
  /* CREATE_CHILD_SA {SA, Ni, TSi, TSr} -->  <-- {SA, Nr, TSi, TSr} */
  EXPECT_EQ(p.Pump(), 4);
  EXPECT_EQ(Seen(true)[0].error, NotifyType::kChildSaNotFound);
  EXPECT_FALSE(Seen(false)[1].rekey_sa);
  ASSERT_EQ(Children(p.left).size(), 1u);
  ASSERT_EQ(Children(p.right).size(), 1u);
  EXPECT_EQ(Spis(p.left), Spis(p.right));
  EXPECT_EQ(p.right.kernel.sas.size(), 2u);
}

// §2.25.2: a CHILD_SA rekey while the IKE SA is being rekeyed (and an IKE
// rekey while a CHILD_SA exchange is outstanding) gets TEMPORARY_FAILURE;
// both are retried later and succeed.
TEST_F(RekeyTest, ChildRekeyDuringAnIkeRekeyIsRetriedLater) {
  Establish();
  Start(p.left, MakeIkeRekey());
  Start(p.right, MakeChildRekey(Children(p.right)[0]->id()));
  /* CREATE_CHILD_SA {SA(IKE), Ni, KEi} -->   <-- CREATE_CHILD_SA {N(REKEY_SA), SA, Ni, TSi, TSr} */
  /* <-- {N(TEMPORARY_FAILURE)}   {N(TEMPORARY_FAILURE)} --> */
  p.Pump();
  ASSERT_EQ(Seen(true).size(), 2u);
  EXPECT_EQ(Seen(true)[0].error, NotifyType::kTemporaryFailure);
  EXPECT_EQ(Seen(true)[1].error, NotifyType::kTemporaryFailure);
  EXPECT_EQ(p.left.engine->ike_sa_count(), 1u);
  p.Run(60s);
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaRekeyed), 1);
    EXPECT_EQ(Count(*peer, api::EventKind::kChildSaRekeyed), 1);
    EXPECT_EQ(peer->engine->ike_sa_count(), 1u);
    EXPECT_EQ(Children(*peer).size(), 1u);
    EXPECT_EQ(peer->kernel.sas.size(), 2u);
    EXPECT_TRUE(NeverFlapped(*peer));
  }
  EXPECT_EQ(Spis(p.left), Spis(p.right));
}

// Lifetime-driven rekeys for ten simulated minutes: the link stays up, old
// SAs go, and each side is rekey initiator and responder.
struct LifetimeRow {
  const char* name;
  config::Lifetime left_child, right_child, left_ike, right_ike;
};

class RekeyLifetimeTest : public RekeyTest, public ::testing::WithParamInterface<LifetimeRow> {};

TEST_P(RekeyLifetimeTest, ConnectionStaysUpAndSasStayBounded) {
  const LifetimeRow& row = GetParam();
  config::Connection l = SiteToSite("s2s", true), r = SiteToSite("s2s", false);
  l.child_lifetime = row.left_child;
  r.child_lifetime = row.right_child;
  l.ike_lifetime = row.left_ike;
  r.ike_lifetime = row.right_ike;
  Load(std::move(l), std::move(r));
  p.left.engine->Initiate("s2s");
  p.Pump();
  ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  for (int minute = 0; minute < 10; ++minute) {
    p.Run(60s);
    ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp) << "minute " << minute;
    ASSERT_EQ(p.right.engine->StateOf("s2s"), api::ConnectionState::kUp) << "minute " << minute;
  }
  int left_requests = 0, right_requests = 0;
  for (const SeenMessage& m : Seen(false)) (m.from_left ? left_requests : right_requests)++;
  EXPECT_GT(left_requests, 0);
  EXPECT_GT(right_requests, 0);
  for (Peer* peer : {&p.left, &p.right}) {
    EXPECT_TRUE(NeverFlapped(*peer));
    EXPECT_GE(Count(*peer, api::EventKind::kChildSaRekeyed), 10);
    EXPECT_GE(Count(*peer, api::EventKind::kIkeSaRekeyed), 4);
    EXPECT_EQ(Count(*peer, api::EventKind::kChildSaDown), 0);
    EXPECT_EQ(Count(*peer, api::EventKind::kIkeSaDown), 0);
    EXPECT_EQ(Count(*peer, api::EventKind::kFailed), 0);
    EXPECT_LE(peer->engine->ike_sa_count(), 2u);
    EXPECT_LE(peer->kernel.sas.size(), 4u);
    // At most two successors (a collision) next to the old pair, ever.
    size_t live = 0, most = 0;
    for (const RecordingKernel::Op& op : peer->kernel.ops) most = std::max(most, op.add ? ++live : --live);
    EXPECT_LE(most, 6u);
  }
  EXPECT_EQ(Spis(p.left), Spis(p.right));
}

using S = config::Seconds;
INSTANTIATE_TEST_SUITE_P(
    Table, RekeyLifetimeTest,
    ::testing::Values(
        // The left rekeys the CHILD_SAs first, the right the IKE SAs.
        LifetimeRow{"Staggered", {S{60}, S{20}, S{0}}, {S{60}, S{10}, S{0}}, {S{120}, S{10}, S{0}},
                    {S{120}, S{30}, S{0}}},
        // Same policy with jitter: sometimes one side first, sometimes both.
        LifetimeRow{"Jittered", {S{60}, S{10}, S{8}}, {S{60}, S{10}, S{8}}, {S{120}, S{15}, S{20}},
                    {S{120}, S{15}, S{20}}},
        // No jitter: every rekey collides.
        LifetimeRow{"Simultaneous", {S{60}, S{10}, S{0}}, {S{60}, S{10}, S{0}}, {S{120}, S{20}, S{0}},
                    {S{120}, S{20}, S{0}}}),
    [](const ::testing::TestParamInfo<LifetimeRow>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace ikevpn::ike::testing
