// The typed cause (api::DownCause) of down and failed events, between two
// engines in one process: each way an SA goes says why, whatever its
// human-readable reason says.
#include <gtest/gtest.h>

#include "daemon/ike/exchange/peer_uniqueness.h"
#include "tests/unit/ike/two_peers.h"

using namespace std::chrono_literals;

namespace ikevpn::ike::testing {
namespace {

// The causes of `kind` events, in order.
std::vector<api::DownCause> Causes(const Peer& peer, api::EventKind kind) {
  std::vector<api::DownCause> out;
  for (const api::Event& e : peer.events)
    if (e.kind == kind) out.push_back(e.cause);
  return out;
}

using Causes_ = std::vector<api::DownCause>;

class DownCauseTest : public ::testing::Test {
 protected:
  void Load(config::Connection l, config::Connection r) {
    p.left.engine->SetConnections({std::make_shared<const config::Connection>(std::move(l))});
    p.right.engine->SetConnections({std::make_shared<const config::Connection>(std::move(r))});
  }
  void Up() {
    p.left.engine->Initiate("s2s");
    p.Pump();
    ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
    p.left.events.clear();
    p.right.events.clear();
  }
  TwoPeers p;
};

TEST_F(DownCauseTest, TerminateIsDeletedHereAndPeerDeletedThere) {
  Load(SiteToSite("s2s", true), SiteToSite("s2s", false));
  Up();
  // HDR, SK {D(IKE)} -->  <-- HDR, SK {}
  ASSERT_TRUE(p.left.engine->Terminate("s2s").ok());
  p.Pump();
  EXPECT_EQ(Causes(p.left, api::EventKind::kIkeSaDown), Causes_{api::DownCause::kDeleted});
  EXPECT_EQ(Causes(p.left, api::EventKind::kChildSaDown), Causes_{api::DownCause::kDeleted});
  EXPECT_EQ(Causes(p.right, api::EventKind::kIkeSaDown), Causes_{api::DownCause::kPeerDeleted});
  EXPECT_EQ(Causes(p.right, api::EventKind::kChildSaDown), Causes_{api::DownCause::kPeerDeleted});
  EXPECT_TRUE(Causes(p.left, api::EventKind::kFailed).empty());
  EXPECT_TRUE(Causes(p.right, api::EventKind::kFailed).empty());
}

TEST_F(DownCauseTest, UnansweredLivenessCheckIsPeerDead) {
  config::Connection l = SiteToSite("s2s", true);
  l.dpd_delay = 10s;
  config::Connection r = SiteToSite("s2s", false);
  r.dpd_delay = 0s;
  Load(l, r);
  Up();
  p.drop = [](const Datagram&) { return true; };
  p.Run(120s);
  EXPECT_EQ(Causes(p.left, api::EventKind::kIkeSaDown), Causes_{api::DownCause::kPeerDead});
  EXPECT_EQ(Causes(p.left, api::EventKind::kChildSaDown), Causes_{api::DownCause::kPeerDead});
}

TEST_F(DownCauseTest, ChangedConnectionIsConfigChanged) {
  Load(SiteToSite("s2s", true), SiteToSite("s2s", false));
  Up();
  config::Connection changed = SiteToSite("s2s", true);
  changed.dpd_delay = 77s;
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(changed)});
  p.Pump();
  EXPECT_EQ(Causes(p.left, api::EventKind::kChildSaDown), Causes_{api::DownCause::kConfigChanged});
  EXPECT_EQ(Causes(p.left, api::EventKind::kIkeSaDown), Causes_{api::DownCause::kConfigChanged});
  EXPECT_EQ(Causes(p.right, api::EventKind::kIkeSaDown), Causes_{api::DownCause::kPeerDeleted});
}

TEST_F(DownCauseTest, RejectedCredentialsAreAuthFailedOnBothSides) {
  Load(SiteToSite("s2s", true, "one"), SiteToSite("s2s", false, "two"));
  p.left.engine->Initiate("s2s");
  p.Pump();
  EXPECT_EQ(Causes(p.left, api::EventKind::kFailed), Causes_{api::DownCause::kAuthFailed});
  EXPECT_EQ(Causes(p.right, api::EventKind::kFailed), Causes_{api::DownCause::kAuthFailed});
}

TEST_F(DownCauseTest, UnansweredInitIsPeerDead) {
  Load(SiteToSite("s2s", true), SiteToSite("s2s", false));
  p.drop = [](const Datagram&) { return true; };
  p.left.engine->Initiate("s2s");
  p.Run(600s);
  EXPECT_EQ(Causes(p.left, api::EventKind::kFailed), Causes_{api::DownCause::kPeerDead});
  EXPECT_TRUE(Causes(p.left, api::EventKind::kIkeSaDown).empty()) << "it never came up";
}

// Road-warrior gateway (right, remote = %any): the same identity connects
// again with INITIAL_CONTACT (its old IKE_SA lost without a Delete).
TEST_F(DownCauseTest, GatewaysStaleIkeSaIsReplaced) {
  config::Connection gw = SiteToSite("s2s", false);
  gw.remote = config::Host{};  // %any
  gw.remote_id.reset();
  Load(SiteToSite("s2s", true), gw);
  Up();
  const uint64_t stale = p.right.engine->ListIkeSas().at(0).id;
  // The client forgets its IKE_SA; its Delete never arrives.
  p.drop = [](const Datagram&) { return true; };
  ASSERT_TRUE(p.left.engine->Terminate("s2s").ok());
  p.Run(50s);
  p.drop = nullptr;
  ASSERT_EQ(p.left.engine->ike_sa_count(), 0u);
  ASSERT_EQ(p.right.engine->ike_sa_count(), 1u);
  p.right.events.clear();
  // HDR, SK {IDi, AUTH, N(INITIAL_CONTACT), SAi2, TSi, TSr} -->
  p.left.engine->Initiate("s2s");
  p.Pump();
  ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  ASSERT_EQ(p.right.engine->ike_sa_count(), 1u);
  EXPECT_NE(p.right.engine->ListIkeSas().at(0).id, stale);
  std::vector<api::Event> downs;
  for (const api::Event& e : p.right.events)
    if (e.kind == api::EventKind::kIkeSaDown || e.kind == api::EventKind::kChildSaDown) downs.push_back(e);
  ASSERT_EQ(downs.size(), 2u);
  for (const api::Event& e : downs) {
    EXPECT_EQ(e.ike_sa_id, stale);
    EXPECT_EQ(e.cause, api::DownCause::kReplaced) << e.reason;
  }
  EXPECT_TRUE(Causes(p.right, api::EventKind::kFailed).empty());
}

// The decision table of peer_uniqueness.h, row by row.
TEST(PeerUniquenessTest, WhenAndHowOlderSasAreReplaced) {
  using W = ReplaceWhen;
  using H = ReplaceHow;
  // remote = %any: at authentication; silently with INITIAL_CONTACT, else by Delete.
  EXPECT_EQ(ReplacementAt(W::kAuthenticated, true, true), H::kSilently);
  EXPECT_EQ(ReplacementAt(W::kAuthenticated, true, false), H::kWithDelete);
  EXPECT_EQ(ReplacementAt(W::kChildMade, true, true), std::nullopt);
  EXPECT_EQ(ReplacementAt(W::kChildMade, true, false), std::nullopt);
  // Others: only with INITIAL_CONTACT, once the CHILD_SA is made, silently.
  EXPECT_EQ(ReplacementAt(W::kAuthenticated, false, true), std::nullopt);
  EXPECT_EQ(ReplacementAt(W::kChildMade, false, true), H::kSilently);
  EXPECT_EQ(ReplacementAt(W::kAuthenticated, false, false), std::nullopt);
  EXPECT_EQ(ReplacementAt(W::kChildMade, false, false), std::nullopt);
}

}  // namespace
}  // namespace ikevpn::ike::testing
