// dpd-action (clear / restart / trap) between two engines in one process,
// with the fake clock: the peer goes silent (every datagram lost), left's
// liveness check goes unanswered, and left does what its dpd-action says.
//
// Timing with the test settings (no jitter): DPD probe 10 s after the last
// message, retransmits after 1, 1.8, 3.24, 5.83, 10.5 s and a last wait of
// 18.9 s: the peer is dead 41.3 s after the probe (t = 51.3 s); each
// IKE_SA_INIT attempt of a restart takes as long to fail.
#include <gtest/gtest.h>

#include "daemon/base/log.h"
#include "tests/unit/ike/two_peers.h"

using namespace std::chrono_literals;

namespace ikevpn::ike::testing {
namespace {

class DpdActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Log::SetSink([this](Subsys, LogLevel, std::string_view line) { log.emplace_back(line); });
  }
  void TearDown() override { Log::SetSink(nullptr); }

  // Brings "s2s" up with left's dpd-action = `action`; right never probes.
  void Establish(config::DpdAction action) {
    config::Connection l = SiteToSite("s2s", true);
    l.dpd_delay = 10s;
    l.dpd_action = action;
    config::Connection r = SiteToSite("s2s", false);
    r.dpd_delay = 0s;
    p.left.engine->SetConnections({std::make_shared<const config::Connection>(l)});
    p.right.engine->SetConnections({std::make_shared<const config::Connection>(r)});
    p.left.engine->Initiate("s2s");
    p.Pump();
    ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  }
  // The peer vanishes; runs until left has given it up (DPD + retransmits).
  void KillPeerAndDetect() {
    p.drop = [](const Datagram&) { return true; };
    p.Run(60s);
    ASSERT_TRUE(Logged("no response to liveness check after 5 retransmits, peer is dead"))
        << ::testing::PrintToString(log);
  }
  int CountLogged(const std::string& text) const {
    int n = 0;
    for (const std::string& line : log) n += line.find(text) != std::string::npos;
    return n;
  }
  bool Logged(const std::string& text) const { return CountLogged(text) > 0; }
  // A kernel acquire for 10.1.0.1 -> 10.2.0.1 (left's remote selectors).
  void Acquire() {
    p.left.kernel.listener->OnAcquire(7, *TrafficSelector::Parse("10.1.0.1/32"),
                                      *TrafficSelector::Parse("10.2.0.1/32"));
  }

  TwoPeers p;
  std::vector<std::string> log;
};

TEST_F(DpdActionTest, ClearClosesAndStaysDown) {
  Establish(config::DpdAction::kClear);
  KillPeerAndDetect();
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
  EXPECT_TRUE(p.left.kernel.sas.empty());
  EXPECT_FALSE(p.left.interfaces.up(1));
  // The peer is back, but nothing initiates: no restart, traffic ignored.
  p.drop = nullptr;
  Acquire();
  p.Run(300s);
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kDown);
  EXPECT_FALSE(Logged("restarting"));
}

TEST_F(DpdActionTest, RestartRetriesWithBackoffUntilThePeerIsBack) {
  Establish(config::DpdAction::kRestart);
  KillPeerAndDetect();
  // The old SA is gone, the first attempt started at once.
  EXPECT_TRUE(Logged("connection s2s: restarting (attempt 1) to 192.0.2.2:500"));
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kConnecting);
  EXPECT_TRUE(p.left.kernel.sas.empty());
  // HDR, SAi1, KEi, Ni -->  (lost, retransmitted, given up after ~32 s),
  // then again after 1 s, 2 s, ... of back-off.
  p.Run(100s);
  EXPECT_TRUE(Logged("restart failed (peer did not respond to IKE_SA_INIT), next attempt in 1000 ms"))
      << ::testing::PrintToString(log);
  EXPECT_TRUE(Logged("next attempt in 2000 ms")) << ::testing::PrintToString(log);
  EXPECT_TRUE(Logged("restarting (attempt 3)"));
  EXPECT_LE(p.left.engine->ike_sa_count(), 1u);

  // The peer is back: the attempt under way (or the next) succeeds.
  p.drop = nullptr;
  p.Run(120s);
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  EXPECT_EQ(p.left.kernel.sas.size(), 2u);
  EXPECT_TRUE(p.left.interfaces.up(1));
  // Up again: no further attempts.
  const int attempts = CountLogged("restarting (attempt");
  p.Run(300s);
  EXPECT_EQ(CountLogged("restarting (attempt"), attempts);
}

TEST_F(DpdActionTest, RestartStopsWhenTheConnectionIsRemoved) {
  Establish(config::DpdAction::kRestart);
  KillPeerAndDetect();
  p.Run(40s);  // t = 100 s: the first attempt failed, the second is under way
  ASSERT_TRUE(Logged("next attempt in 1000 ms"));
  p.left.engine->SetConnections({});
  const int attempts = CountLogged("restarting (attempt");
  p.Run(600s);
  EXPECT_EQ(CountLogged("restarting (attempt"), attempts);
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
}

TEST_F(DpdActionTest, RestartStopsOnTerminate) {
  Establish(config::DpdAction::kRestart);
  KillPeerAndDetect();
  ASSERT_TRUE(p.left.engine->Terminate("s2s").ok());
  const int attempts = CountLogged("restarting (attempt");
  p.drop = nullptr;
  p.Run(600s);
  EXPECT_EQ(CountLogged("restarting (attempt"), attempts);
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kDown);
}

TEST_F(DpdActionTest, TrapReinitiatesOnTraffic) {
  Establish(config::DpdAction::kTrap);
  KillPeerAndDetect();
  EXPECT_TRUE(Logged("connection s2s: peer dead, armed to initiate on traffic"));
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
  p.drop = nullptr;
  p.Run(300s);
  // Armed, not initiating by itself.
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kDown);
  // Traffic for a remote selector: HDR, SAi1, KEi, Ni --> ...
  Acquire();
  p.Pump();
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  // Disarmed once up: after a Delete, traffic no longer initiates.
  ASSERT_TRUE(p.left.engine->Terminate("s2s").ok());
  p.Pump();
  Acquire();
  p.Pump();
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kDown);
}

// start-action = trap on a backend with acquires: an out trap policy and no
// SA; the acquire (with the trap's reqid) initiates, the SAs take that
// reqid, the interface counts the trap as a user; after `down` the SAs go
// and the trap policy stays; a reload that removes the connection removes it.
TEST_F(DpdActionTest, StartActionTrapArmsPolicyAndSasTakeItsReqid) {
  p.left.kernel.sends_acquires = true;
  config::Connection l = SiteToSite("s2s", true);
  l.start_action = config::StartAction::kTrap;
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(l)});
  p.right.engine->SetConnections({std::make_shared<const config::Connection>(SiteToSite("s2s", false))});
  EXPECT_TRUE(p.left.kernel.policies.empty());  // armed by ArmTraps, after the interfaces
  p.left.engine->ArmTraps();
  p.left.engine->ArmTraps();  // idempotent
  ASSERT_EQ(p.left.kernel.policies.size(), 1u);
  EXPECT_EQ(p.left.kernel.policies[0].dir, kernel::PolicyDir::kOut);
  EXPECT_EQ(p.left.kernel.policies[0].dst, *TrafficSelector::Parse("10.2.0.0/16"));
  const uint32_t reqid = p.left.kernel.policy_reqids[0];
  EXPECT_NE(reqid, 0u);
  EXPECT_EQ(p.left.interfaces.children[1], 1);  // the trap keeps ipsec0 up
  EXPECT_TRUE(p.left.kernel.sas.empty());
  p.Pump();
  EXPECT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kDown);

  p.left.kernel.listener->OnAcquire(reqid, *TrafficSelector::Parse("10.1.0.1/32"),
                                    *TrafficSelector::Parse("10.2.0.1/32"));
  p.Pump();
  ASSERT_EQ(p.left.engine->StateOf("s2s"), api::ConnectionState::kUp);
  ASSERT_EQ(p.left.kernel.sas.size(), 2u);
  for (const auto& [spi, sa] : p.left.kernel.sas) EXPECT_EQ(sa.reqid, reqid);
  EXPECT_EQ(p.left.kernel.policies.size(), 3u);  // the trap's out policy is shared

  ASSERT_TRUE(p.left.engine->Terminate("s2s").ok());
  p.Pump();
  EXPECT_TRUE(p.left.kernel.sas.empty());
  ASSERT_EQ(p.left.kernel.policies.size(), 1u);
  EXPECT_EQ(p.left.kernel.policies[0].dir, kernel::PolicyDir::kOut);
  EXPECT_EQ(p.left.interfaces.children[1], 1);

  p.left.engine->SetConnections({});
  EXPECT_TRUE(p.left.kernel.policies.empty());
  EXPECT_EQ(p.left.interfaces.children[1], 0);
}

}  // namespace
}  // namespace ikevpn::ike::testing
