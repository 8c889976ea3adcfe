// IKE_SA_INIT and IKE_AUTH between two engines in one process.
#include <gtest/gtest.h>

#include "tests/unit/ike/two_peers.h"

using namespace std::chrono_literals;

namespace ikevpn::ike::testing {
namespace {

class EstablishTest : public ::testing::Test {
 protected:
  void Load(config::Connection l, config::Connection r) {
    p.left.engine->SetConnections({std::make_shared<const config::Connection>(std::move(l))});
    p.right.engine->SetConnections({std::make_shared<const config::Connection>(std::move(r))});
  }
  TwoPeers p;
};

TEST_F(EstablishTest, PskSiteToSiteInstallsMatchingChildSas) {
  Load(SiteToSite("s2s", true), SiteToSite("s2s", false));
  Status result(Code::kInternal, "not called");
  p.left.engine->Initiate("s2s", [&](Status s) { result = s; });
  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*) -->
  ASSERT_EQ(p.left.outbox.size(), 1u);
  // <-- HDR, SAr1, KEr, Nr;  HDR, SK {IDi, IDr, AUTH, SAi2, TSi, TSr} -->;  <-- HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
  EXPECT_EQ(p.Pump(), 4);
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  EXPECT_EQ(p.right.engine->StateOf("s2s"), api::ConnectionState::kUp);

  // Each side installed an inbound and an outbound SA; the keys pair up.
  ASSERT_EQ(p.left.kernel.sas.size(), 2u);
  ASSERT_EQ(p.right.kernel.sas.size(), 2u);
  for (auto& [spi, sa] : p.left.kernel.sas) {
    auto other = p.right.kernel.sas.find(spi);
    ASSERT_NE(other, p.right.kernel.sas.end()) << std::hex << spi;
    EXPECT_NE(sa.inbound, other->second.inbound);
    EXPECT_EQ(sa.encr_key, other->second.encr_key);
    EXPECT_EQ(sa.encr_key.size(), 36u);  // AES-256 key + 4-byte salt
    EXPECT_EQ(sa.id.if_id, 1u);
  }
  // Policies out/in/fwd with the if_id; the interface counts one CHILD_SA.
  EXPECT_EQ(p.left.kernel.policies.size(), 3u);
  EXPECT_TRUE(p.left.interfaces.up(1));
  int queries = p.left.kernel.queries;
  auto children = p.left.engine->ListChildSas();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].local_ts, std::vector<std::string>{"10.1.0.0/16"});
  EXPECT_EQ(children[0].remote_ts, std::vector<std::string>{"10.2.0.0/16"});
  EXPECT_EQ(p.left.kernel.queries, queries) << "listing must not query the kernel";
  // Counters only on request: one query per direction.
  auto counters = p.left.engine->ChildSaCounters(children[0].id);
  ASSERT_TRUE(counters.ok());
  EXPECT_EQ(p.left.kernel.queries, queries + 2);
  EXPECT_EQ(counters->bytes_in, 1000u);
  EXPECT_EQ(counters->bytes_out, 2000u);
  EXPECT_EQ(counters->packets_in, 10u);
  EXPECT_EQ(counters->packets_out, 20u);
  EXPECT_EQ(p.left.engine->ChildSaCounters(children[0].id + 1000).status().code(), Code::kNotFound);
  auto ikes = p.right.engine->ListIkeSas();
  ASSERT_EQ(ikes.size(), 1u);
  EXPECT_EQ(ikes[0].remote_id, "@left");
  EXPECT_EQ(ikes[0].algorithms, "AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");
  EXPECT_FALSE(ikes[0].nat_local || ikes[0].nat_remote);
}

TEST_F(EstablishTest, WrongPskFailsAuthenticationOnBothSides) {
  Load(SiteToSite("s2s", true, "one"), SiteToSite("s2s", false, "two"));
  Status result;
  p.left.engine->Initiate("s2s", [&](Status s) { result = s; });
  p.Pump();
  EXPECT_EQ(result.code(), Code::kAuthFailed) << result.ToString();
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
  EXPECT_EQ(p.right.engine->ike_sa_count(), 0u);
  EXPECT_TRUE(p.left.kernel.sas.empty());
  EXPECT_TRUE(p.right.kernel.sas.empty());
}

TEST_F(EstablishTest, NoCommonProposalIsRefused) {
  config::Connection r = SiteToSite("s2s", false);
  r.ike_proposals = *config::ParseProposals("aes128-sha256-modp2048", ProtocolId::kIke);
  Load(SiteToSite("s2s", true), std::move(r));
  Status result;
  p.left.engine->Initiate("s2s", [&](Status s) { result = s; });
  p.Pump();
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.message().find("NO_PROPOSAL_CHOSEN"), std::string::npos) << result.ToString();
  EXPECT_EQ(p.right.engine->ike_sa_count(), 0u);
}

TEST_F(EstablishTest, InvalidKePayloadRetriesWithTheResponderGroup) {
  config::Connection l = SiteToSite("s2s", true);
  l.ike_proposals = *config::ParseProposals("aes256gcm16-prfsha256-x25519-ecp256", ProtocolId::kIke);
  config::Connection r = SiteToSite("s2s", false);
  r.ike_proposals = *config::ParseProposals("aes256gcm16-prfsha256-ecp256", ProtocolId::kIke);
  Load(std::move(l), std::move(r));
  Status result(Code::kInternal, "not called");
  p.left.engine->Initiate("s2s", [&](Status s) { result = s; });
  // KE(x25519) -->  <-- N(INVALID_KE_PAYLOAD, 19)  KE(ecp256) --> ...
  EXPECT_EQ(p.Pump(), 6);
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.left.engine->ListIkeSas()[0].algorithms, "AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256");
}

TEST_F(EstablishTest, TrafficSelectorsAreNarrowed) {
  config::Connection l = SiteToSite("s2s", true);
  l.remote_ts.selectors = {*TrafficSelector::Parse("10.0.0.0/8")};
  Load(std::move(l), SiteToSite("s2s", false));
  p.left.engine->Initiate("s2s");
  p.Pump();
  auto children = p.left.engine->ListChildSas();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].remote_ts, std::vector<std::string>{"10.2.0.0/16"});
}

TEST_F(EstablishTest, DisjointSelectorsGiveIkeSaWithoutChild) {
  config::Connection l = SiteToSite("s2s", true);
  l.remote_ts.selectors = {*TrafficSelector::Parse("172.16.0.0/12")};
  Load(std::move(l), SiteToSite("s2s", false));
  p.left.engine->Initiate("s2s");
  p.Pump();
  EXPECT_EQ(p.left.engine->ike_sa_count(), 1u);
  EXPECT_TRUE(p.left.engine->ListChildSas().empty());
  EXPECT_TRUE(p.left.kernel.sas.empty());
  EXPECT_TRUE(p.right.kernel.sas.empty());
}

TEST_F(EstablishTest, LostMessagesAreRetransmittedAndDuplicatesAnsweredFromCache) {
  Load(SiteToSite("s2s", true), SiteToSite("s2s", false));
  Status result(Code::kInternal, "not called");
  p.left.engine->Initiate("s2s", [&](Status s) { result = s; });
  int responses_seen = 0;
  // Drop the first IKE_AUTH response: the initiator retransmits its request
  // and the responder answers again from its cache (no second CHILD_SA).
  p.Pump([&](const Datagram& d) { return d.from.address == p.right.address && ++responses_seen == 2; });
  EXPECT_FALSE(result.ok());
  p.Run(2s);
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.right.kernel.sas.size(), 2u);
  EXPECT_EQ(p.right.engine->ListChildSas().size(), 1u);
}

TEST_F(EstablishTest, DeadPeerIsGivenUpAfterRetransmits) {
  Load(SiteToSite("s2s", true), SiteToSite("s2s", false));
  Status result;
  p.drop = [](const Datagram&) { return true; };  // the responder never hears anything
  p.left.engine->Initiate("s2s", [&](Status s) { result = s; });
  p.Run(300s);
  EXPECT_EQ(result.code(), Code::kRetry) << result.ToString();
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
}

TEST_F(EstablishTest, DeleteTearsDownBothSides) {
  Load(SiteToSite("s2s", true), SiteToSite("s2s", false));
  p.left.engine->Initiate("s2s");
  p.Pump();
  ASSERT_EQ(p.right.engine->StateOf("s2s"), api::ConnectionState::kUp);
  // HDR, SK {D(IKE)} -->  <-- HDR, SK {}
  ASSERT_TRUE(p.left.engine->Terminate("s2s").ok());
  EXPECT_EQ(p.Pump(), 2);
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
  EXPECT_EQ(p.right.engine->ike_sa_count(), 0u);
  EXPECT_TRUE(p.left.kernel.sas.empty());
  EXPECT_TRUE(p.right.kernel.sas.empty());
  EXPECT_TRUE(p.right.kernel.policies.empty());
  EXPECT_FALSE(p.right.interfaces.up(1));
}


// A reload that changes a start-action = start connection deletes its SAs
// and brings it up again with the new settings (the SA being deleted does
// not count as "already up").
TEST_F(EstablishTest, ChangedStartConnectionIsInitiatedAgain) {
  config::Connection l = SiteToSite("s2s", true);
  l.start_action = config::StartAction::kStart;
  Load(l, SiteToSite("s2s", false));
  p.Pump();
  ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  const uint64_t old_id = p.left.engine->ListIkeSas().at(0).id;

  l.metric = 42;
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(l)});
  // The old CHILD_SA is gone at once, before the Delete is answered: the
  // daemon recreates the interface right after SetConnections.
  EXPECT_TRUE(p.left.kernel.sas.empty());
  EXPECT_FALSE(p.left.interfaces.up(1));
  p.Pump();
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  EXPECT_EQ(p.right.engine->StateOf("s2s"), api::ConnectionState::kUp);
  ASSERT_EQ(p.left.engine->ike_sa_count(), 1u);
  EXPECT_NE(p.left.engine->ListIkeSas().at(0).id, old_id);
  EXPECT_EQ(p.right.engine->ike_sa_count(), 1u);
}

}  // namespace
}  // namespace ikevpn::ike::testing
