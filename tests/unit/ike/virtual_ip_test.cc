// Virtual IPs (RFC 7296 §3.15) and the road-warrior responder: CP request
// and reply in IKE_AUTH, pool exhaustion, stable leases, INITIAL_CONTACT.
// Left (192.0.2.1) runs the clients, one connection per identity; right
// (192.0.2.2) is the gateway with `remote = %any` and a pool.
#include <gtest/gtest.h>

#include "daemon/config/values.h"
#include "daemon/pool/lease_registry.h"
#include "tests/unit/ike/two_peers.h"

using namespace std::chrono_literals;

namespace ikevpn::ike::testing {
namespace {

Prefix P(const char* s) { return *Prefix::Parse(s); }

config::Connection Gateway(const std::string& pools) {
  config::Connection c = SiteToSite("rw", /*left=*/false);
  c.remote = config::Host{};  // %any
  c.remote_id.reset();
  c.remote_ts = config::TsSpec{true, {}};
  c.pools = *config::ParsePools(pools);
  c.dns = {*IpAddress::Parse("10.2.0.53")};
  return c;
}

config::Connection Client(const std::string& name, std::vector<IpAddress::Family> families = {IpAddress::Family::kV4}) {
  config::Connection c = SiteToSite(name, /*left=*/true);
  c.local_id = config::Identity{IdType::kFqdn, Bytes(name.begin(), name.end()), "@" + name};
  c.remote_id.reset();
  c.local_ts = config::TsSpec{true, {}};
  c.remote_ts.selectors = {*TrafficSelector::Parse("10.2.0.0/16")};
  if (families.size() > 1) c.remote_ts.selectors.push_back(*TrafficSelector::Parse("fd00:2::/64"));
  c.virtual_ip = true;
  c.virtual_ip_families = std::move(families);
  return c;
}

class VirtualIpTest : public ::testing::Test {
 protected:
  void Load(const std::string& pools, std::vector<config::Connection> clients) {
    auto gw = std::make_shared<const config::Connection>(Gateway(pools));
    leases.Configure({gw});
    p.right.engine->set_leases(&leases);
    p.right.engine->SetConnections({gw});
    std::vector<std::shared_ptr<const config::Connection>> cs;
    for (auto& c : clients) cs.push_back(std::make_shared<const config::Connection>(std::move(c)));
    p.left.engine->SetConnections(cs);
  }
  Status Up(const std::string& name) {
    Status result(Code::kInternal, "no answer");
    p.left.engine->Initiate(name, [&](Status s) { result = s; });
    p.Pump();
    return result;
  }
  std::vector<Prefix> VipsOf(Engine& e, const std::string& conn) {
    for (const api::IkeSaInfo& i : e.ListIkeSas())
      if (i.connection == conn) return i.virtual_ips;
    return {};
  }
  const api::IkeSaInfo* GatewaySaOf(const std::string& remote_id) {
    infos_ = p.right.engine->ListIkeSas();
    for (const api::IkeSaInfo& i : infos_)
      if (i.remote_id == remote_id) return &i;
    return nullptr;
  }

  pool::LeaseRegistry leases;  // outlives the engines in `p`
  TwoPeers p;
  std::vector<api::IkeSaInfo> infos_;
};

TEST_F(VirtualIpTest, CfgReplyAssignsAddressAndGatewayNarrowsTsi) {
  Load("10.10.0.0/24", {Client("alice")});
  // HDR, SK {IDi, AUTH, CP(CFG_REQUEST), SAi2, TSi=0.0.0.0/0, TSr} -->
  // <-- HDR, SK {IDr, AUTH, CP(CFG_REPLY){10.10.0.1, mask, DNS, SUBNET}, SAr2, TSi=10.10.0.1/32, TSr}
  ASSERT_TRUE(Up("alice").ok());
  auto ikes = p.left.engine->ListIkeSas();
  ASSERT_EQ(ikes.size(), 1u);
  EXPECT_EQ(ikes[0].virtual_ips, std::vector<Prefix>{P("10.10.0.1/32")});
  EXPECT_EQ(ikes[0].dns, std::vector<IpAddress>{*IpAddress::Parse("10.2.0.53")});
  auto child = p.left.engine->ListChildSas();
  ASSERT_EQ(child.size(), 1u);
  EXPECT_EQ(child[0].local_ts, std::vector<std::string>{"10.10.0.1/32"});
  EXPECT_EQ(child[0].remote_ts, std::vector<std::string>{"10.2.0.0/16"});
  auto gw_child = p.right.engine->ListChildSas();
  ASSERT_EQ(gw_child.size(), 1u);
  EXPECT_EQ(gw_child[0].remote_ts, std::vector<std::string>{"10.10.0.1/32"});
  // The client's address on its ipsecN; the gateway's host route on its.
  EXPECT_EQ(p.left.interfaces.addresses[1].count(P("10.10.0.1/32")), 1u);
  EXPECT_EQ(p.right.interfaces.routes[1].count(P("10.10.0.1/32")), 1u);
  const api::IkeSaInfo* gw = GatewaySaOf("@alice");
  ASSERT_NE(gw, nullptr);
  EXPECT_EQ(gw->virtual_ips, std::vector<Prefix>{P("10.10.0.1/32")});

  // The SA goes: address and route go with it; the lease stays reserved.
  ASSERT_TRUE(p.left.engine->Terminate("alice").ok());
  p.Pump();
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
  EXPECT_TRUE(p.left.interfaces.addresses[1].empty());
  EXPECT_TRUE(p.right.interfaces.routes[1].empty());
  auto l = leases.Leases("rw");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].owner, 0u);
  EXPECT_EQ(l[0].identity, "@alice");
}

TEST_F(VirtualIpTest, ClientsShareTheGatewayInterfaceWithDistinctAddresses) {
  Load("10.10.0.0/24", {Client("alice"), Client("bob"), Client("carol")});
  for (const char* n : {"alice", "bob", "carol"}) ASSERT_TRUE(Up(n).ok()) << n;
  EXPECT_EQ(VipsOf(*p.left.engine, "alice"), std::vector<Prefix>{P("10.10.0.1/32")});
  EXPECT_EQ(VipsOf(*p.left.engine, "bob"), std::vector<Prefix>{P("10.10.0.2/32")});
  EXPECT_EQ(VipsOf(*p.left.engine, "carol"), std::vector<Prefix>{P("10.10.0.3/32")});
  // One interface (if_id 1) counts all three CHILD_SAs and has a route each.
  EXPECT_EQ(p.right.interfaces.children[1], 3);
  EXPECT_EQ(p.right.interfaces.routes[1].size(), 3u);
  ASSERT_TRUE(p.left.engine->Terminate("bob").ok());
  p.Pump();
  // Still up for the others.
  EXPECT_EQ(p.right.interfaces.children[1], 2);
  EXPECT_TRUE(p.right.interfaces.up(1));
  EXPECT_EQ(p.right.interfaces.routes[1].count(P("10.10.0.2/32")), 0u);
}

TEST_F(VirtualIpTest, ExhaustedPoolAnswersInternalAddressFailure) {
  Load("10.10.0.10-10.10.0.10", {Client("alice"), Client("bob")});
  ASSERT_TRUE(Up("alice").ok());
  // <-- HDR, SK {IDr, AUTH, N(INTERNAL_ADDRESS_FAILURE)}; the client then deletes the IKE_SA.
  Status bob = Up("bob");
  EXPECT_FALSE(bob.ok());
  EXPECT_NE(bob.message().find("INTERNAL_ADDRESS_FAILURE"), std::string::npos) << bob.ToString();
  bool failed = false;
  for (const api::Event& e : p.left.events)
    failed |= e.kind == api::EventKind::kFailed && e.connection == "bob" &&
              e.reason.find("INTERNAL_ADDRESS_FAILURE") != std::string::npos;
  EXPECT_TRUE(failed);
  EXPECT_EQ(p.left.engine->IkeSaCount("bob"), 0u);
  EXPECT_EQ(p.left.engine->ChildSaCount("bob"), 0u);
  EXPECT_EQ(p.right.engine->ike_sa_count(), 1u);  // alice's only
  EXPECT_EQ(p.right.engine->ChildSaCount("rw"), 1u);
  EXPECT_EQ(VipsOf(*p.left.engine, "alice"), std::vector<Prefix>{P("10.10.0.10/32")});
}

TEST_F(VirtualIpTest, ReconnectingClientGetsItsAddressBack) {
  Load("10.10.0.0/24", {Client("alice"), Client("bob"), Client("carol")});
  ASSERT_TRUE(Up("alice").ok());
  ASSERT_TRUE(Up("bob").ok());
  ASSERT_TRUE(p.left.engine->Terminate("alice").ok());
  p.Pump();
  // A newcomer does not get alice's reserved address ...
  ASSERT_TRUE(Up("carol").ok());
  EXPECT_EQ(VipsOf(*p.left.engine, "carol"), std::vector<Prefix>{P("10.10.0.3/32")});
  // ... and alice gets hers back.
  ASSERT_TRUE(Up("alice").ok());
  EXPECT_EQ(VipsOf(*p.left.engine, "alice"), std::vector<Prefix>{P("10.10.0.1/32")});
}

TEST_F(VirtualIpTest, InitialContactReplacesTheStaleSaAndKeepsTheAddress) {
  Load("10.10.0.0/24", {Client("alice")});
  ASSERT_TRUE(Up("alice").ok());
  // The client loses its state without telling the gateway (its Delete is lost).
  // The client gives up on its Delete after ~41 s of retransmits; the
  // gateway's DPD (30 s) has not given up yet.
  p.drop = [](const Datagram&) { return true; };
  ASSERT_TRUE(p.left.engine->Terminate("alice").ok());
  p.Run(50s);
  p.drop = nullptr;
  ASSERT_EQ(p.left.engine->ike_sa_count(), 0u);
  ASSERT_EQ(p.right.engine->ike_sa_count(), 1u);
  const uint64_t stale = GatewaySaOf("@alice")->id;
  // HDR, SK {IDi, AUTH, N(INITIAL_CONTACT), CP(CFG_REQUEST), ...} -->
  ASSERT_TRUE(Up("alice").ok());
  ASSERT_EQ(p.right.engine->ike_sa_count(), 1u);
  EXPECT_NE(GatewaySaOf("@alice")->id, stale);
  EXPECT_EQ(VipsOf(*p.left.engine, "alice"), std::vector<Prefix>{P("10.10.0.1/32")});
  EXPECT_EQ(p.right.interfaces.routes[1].count(P("10.10.0.1/32")), 1u);
  EXPECT_EQ(p.right.interfaces.children[1], 1);
}

TEST_F(VirtualIpTest, DualStackClientGetsBothFamilies) {
  Load("10.10.0.0/24, fd00:10::/120",
       {Client("alice", {IpAddress::Family::kV4, IpAddress::Family::kV6})});
  ASSERT_TRUE(Up("alice").ok());
  EXPECT_EQ(VipsOf(*p.left.engine, "alice"), (std::vector<Prefix>{P("10.10.0.1/32"), P("fd00:10::1/128")}));
  EXPECT_EQ(p.left.interfaces.addresses[1].size(), 2u);
}

TEST_F(VirtualIpTest, IkeRekeyHandsTheLeaseToTheNewSa) {
  Load("10.10.0.0/24", {Client("alice")});
  ASSERT_TRUE(Up("alice").ok());
  const uint64_t before = GatewaySaOf("@alice")->id;
  // The IKE SA is rekeyed (4 h lifetime); the gateway's lease follows.
  p.Run(5h);
  const api::IkeSaInfo* gw = GatewaySaOf("@alice");
  ASSERT_NE(gw, nullptr);
  ASSERT_NE(gw->id, before) << "the IKE SA was not rekeyed";
  EXPECT_EQ(p.right.interfaces.routes[1].count(P("10.10.0.1/32")), 1u);
  auto l = leases.Leases("rw");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].owner, gw->id);
}

}  // namespace
}  // namespace ikevpn::ike::testing
