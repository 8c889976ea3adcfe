// InertiaService on a road-warrior gateway engine (two engines in one
// process): which IKE_SAs going down make it forget their peer. It decides
// by the event's typed cause, never by its human-readable reason.
#include "daemon/app/inertia_service.h"

#include <gtest/gtest.h>

#include "tests/unit/ike/two_peers.h"
#include "tests/unit/temp_dir.h"

using namespace std::chrono_literals;

namespace ikevpn::app {
namespace {

using ike::testing::Datagram;
using ike::testing::SiteToSite;

class InertiaServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::Connection client = SiteToSite("rw", true);
    client.local_ts.selectors = {*TrafficSelector::Parse("10.1.0.5/32")};
    client.dpd_delay = 0s;
    config::Connection gateway = SiteToSite("rw", false);
    gateway.remote = config::Host{};  // %any
    gateway.remote_id.reset();
    gateway.inertia = true;
    gateway.dpd_delay = 10s;
    gateway.dpd_action = config::DpdAction::kClear;
    p.left.engine->SetConnections({std::make_shared<const config::Connection>(client)});
    // The gateway's engine feeds the service, as the daemon wires it.
    ike::testing::Peer& gw = p.right;
    gw.engine = std::make_unique<ike::Engine>(ike::EngineEnv{
        p.clock, p.timers, gw.rng, gw.kernel, gw.interfaces, gw, gw.secrets, gw.credentials,
        [this](const api::Event& e) {
          if (service_) service_->OnEvent(e);
        },
        ike::EngineSettings{}, [this](const ike::PeerSighting& s) {
          if (service_) service_->OnPeerSeen(s);
        }});
    gw.kernel.SetListener(gw.engine.get());
    gw.engine->SetConnections({std::make_shared<const config::Connection>(gateway)});
    service_ = std::make_unique<InertiaService>(*gw.engine, p.clock, p.timers, dir_.path());
    service_->Start();
  }
  void TearDown() override {
    service_->Stop();
    service_.reset();
  }

  // The client connects; the gateway remembers it.
  void ClientUp() {
    p.left.engine->Initiate("rw");
    p.Pump();
    ASSERT_EQ(p.right.engine->StateOf("rw"), api::ConnectionState::kUp);
    ASSERT_EQ(service_->store().size(), 1u);
  }

  ike::PeerSighting Sighting(uint64_t ike_sa_id) const {
    ike::PeerSighting s;
    s.ike_sa_id = ike_sa_id;
    s.connection = "rw";
    s.peer = config::Identity{ike::IdType::kFqdn, Bytes{'c', 'a', 'r', 'o', 'l'}, "carol"};
    s.remote = Endpoint{*IpAddress::Parse("192.0.2.77"), 500};
    return s;
  }
  static api::Event Down(uint64_t ike_sa_id, std::string reason, api::DownCause cause) {
    return {.kind = api::EventKind::kIkeSaDown, .connection = "rw", .ike_sa_id = ike_sa_id,
            .reason = std::move(reason), .cause = cause};
  }

  ikevpn::testing::TempDir dir_{"ikevpn-inertia-service"};
  ike::testing::TwoPeers p;
  std::unique_ptr<InertiaService> service_;
};

TEST_F(InertiaServiceTest, PeerThatDeletesItsIkeSaIsForgotten) {
  ClientUp();
  // HDR, SK {D(IKE)} -->  (the client leaves on purpose)
  ASSERT_TRUE(p.left.engine->Terminate("rw").ok());
  p.Pump();
  ASSERT_EQ(p.right.engine->ike_sa_count(), 0u);
  EXPECT_EQ(service_->store().size(), 0u);
}

TEST_F(InertiaServiceTest, PeerThatGoesSilentIsKept) {
  ClientUp();
  p.drop = [](const Datagram&) { return true; };
  p.Run(300s);
  ASSERT_EQ(p.right.engine->ike_sa_count(), 0u) << "the gateway found its peer dead";
  EXPECT_EQ(service_->store().size(), 1u);
}

TEST_F(InertiaServiceTest, GatewayShutdownKeepsThePeer) {
  ClientUp();
  p.right.engine->DeleteAll();
  p.Pump();
  ASSERT_EQ(p.right.engine->ike_sa_count(), 0u);
  EXPECT_EQ(service_->store().size(), 1u);
}

// The reason text is for people: other wording, the same decision.
TEST_F(InertiaServiceTest, TheCauseDecidesNotTheReasonText) {
  service_->OnPeerSeen(Sighting(1000));
  ASSERT_EQ(service_->store().size(), 1u);
  service_->OnEvent(Down(1000, "deleted by the peer", api::DownCause::kPeerDead));
  EXPECT_EQ(service_->store().size(), 1u) << "a dead peer is where to reconnect to";

  service_->OnPeerSeen(Sighting(1001));
  service_->OnEvent(Down(1001, "deleted by the peer", api::DownCause::kReplaced));
  EXPECT_EQ(service_->store().size(), 1u) << "replaced: its new IKE_SA carries on";

  service_->OnPeerSeen(Sighting(1002));
  service_->OnEvent(Down(1002, "carol said goodbye", api::DownCause::kPeerDeleted));
  EXPECT_EQ(service_->store().size(), 0u);
}

}  // namespace
}  // namespace ikevpn::app
