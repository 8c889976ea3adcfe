#include "daemon/inertia/reconnector.h"

#include <gtest/gtest.h>

#include "tests/unit/inertia/test_records.h"

namespace ikevpn::inertia {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ReconnectorTest : public ::testing::Test {
 protected:
  // A scripted engine: hands out SA ids and records who was started.
  Result<uint64_t> Start(const PeerRecord& p) {
    started_.push_back(p.id_text);
    if (connected_.count(p.id_text)) return Status(Code::kExists, "up already");
    if (unreachable_.count(p.id_text)) return Status(Code::kRetry, "cannot send");
    uint64_t id = ++last_id_;
    sa_of_[p.id_text] = id;
    return id;
  }
  std::vector<PeerRecord> Peers(int n) {
    std::vector<PeerRecord> v;
    for (int i = 1; i <= n; ++i) v.push_back(SamplePeer(i));
    return v;
  }
  ReconnectSettings Settings(size_t parallel, int tries) {
    ReconnectSettings s;
    s.max_parallel = parallel;
    s.max_tries = tries;
    s.first_retry = seconds(2);
    s.max_retry = seconds(5);
    return s;
  }

  FakeClock clock_;
  TimerQueue timers_{clock_};
  std::vector<std::string> started_;
  std::set<std::string> connected_, unreachable_;
  std::map<std::string, uint64_t> sa_of_;
  uint64_t last_id_ = 100;
};

TEST_F(ReconnectorTest, ConcurrencyIsBounded) {
  Reconnector r(timers_, Settings(3, 2), [this](const PeerRecord& p) { return Start(p); });
  r.Add(Peers(10));
  EXPECT_EQ(started_.size(), 3u);
  EXPECT_EQ(r.in_flight(), 3u);
  EXPECT_EQ(r.waiting(), 7u);
  r.OnAttemptDone(sa_of_["client1.example.org"], true);
  EXPECT_EQ(started_.size(), 4u);  // a slot freed: the next one starts
  EXPECT_EQ(r.in_flight(), 3u);
  r.OnAttemptDone(12345, true);  // not ours: ignored
  EXPECT_EQ(r.in_flight(), 3u);
  for (int i = 2; i <= 10; ++i) r.OnAttemptDone(sa_of_["client" + std::to_string(i) + ".example.org"], true);
  EXPECT_EQ(started_.size(), 10u);
  EXPECT_EQ(r.succeeded(), 10u);
  EXPECT_EQ(r.in_flight(), 0u);
  EXPECT_EQ(r.waiting(), 0u);
}

TEST_F(ReconnectorTest, FailuresBackOffAndGiveUp) {
  Reconnector r(timers_, Settings(8, 3), [this](const PeerRecord& p) { return Start(p); });
  r.Add(Peers(1));
  r.OnAttemptDone(sa_of_["client1.example.org"], false);
  EXPECT_EQ(started_.size(), 1u);
  AdvanceAndRun(clock_, timers_, milliseconds(1999));
  EXPECT_EQ(started_.size(), 1u) << "the first retry waits 2 s";
  AdvanceAndRun(clock_, timers_, milliseconds(1));
  EXPECT_EQ(started_.size(), 2u);
  r.OnAttemptDone(sa_of_["client1.example.org"], false);
  AdvanceAndRun(clock_, timers_, milliseconds(3999));
  EXPECT_EQ(started_.size(), 2u) << "the second waits 4 s";
  AdvanceAndRun(clock_, timers_, milliseconds(1));
  EXPECT_EQ(started_.size(), 3u);
  r.OnAttemptDone(sa_of_["client1.example.org"], false);
  AdvanceAndRun(clock_, timers_, seconds(60));
  EXPECT_EQ(started_.size(), 3u) << "three tries, then it gives up";
  EXPECT_EQ(r.given_up(), 1u);
  EXPECT_EQ(r.waiting(), 0u);
}

TEST_F(ReconnectorTest, SynchronousFailureRetriesWithoutBlockingOthers) {
  unreachable_.insert("client1.example.org");
  Reconnector r(timers_, Settings(1, 2), [this](const PeerRecord& p) { return Start(p); });
  r.Add(Peers(2));
  // client1 could not even be sent to; client2 took the only slot.
  EXPECT_EQ(r.in_flight(), 1u);
  EXPECT_EQ(started_, (std::vector<std::string>{"client1.example.org", "client2.example.org"}));
  r.OnAttemptDone(sa_of_["client2.example.org"], true);
  AdvanceAndRun(clock_, timers_, seconds(2));
  EXPECT_EQ(started_.size(), 3u);
  EXPECT_EQ(r.given_up(), 1u);
}

TEST_F(ReconnectorTest, AlreadyConnectedPeersAreSkipped) {
  connected_.insert("client2.example.org");
  Reconnector r(timers_, Settings(8, 3), [this](const PeerRecord& p) { return Start(p); });
  r.Add(Peers(3));
  EXPECT_EQ(r.skipped(), 1u);
  EXPECT_EQ(r.in_flight(), 2u);
}

TEST_F(ReconnectorTest, DestroyedWithRetriesPendingCancelsThem) {
  {
    Reconnector r(timers_, Settings(8, 3), [this](const PeerRecord& p) { return Start(p); });
    r.Add(Peers(1));
    r.OnAttemptDone(sa_of_["client1.example.org"], false);
  }
  AdvanceAndRun(clock_, timers_, seconds(10));
  EXPECT_EQ(started_.size(), 1u);
}

}  // namespace
}  // namespace ikevpn::inertia
