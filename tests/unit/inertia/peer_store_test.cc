#include "daemon/inertia/peer_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "daemon/base/atomic_file.h"
#include "tests/unit/inertia/store_dir_test.h"
#include "tests/unit/inertia/test_records.h"

namespace ikevpn::inertia {
namespace {

using std::chrono::milliseconds;

using PeerStoreTest = StoreDirTest;

TEST_F(PeerStoreTest, MissingFileIsAnEmptyStore) {
  PeerStore s(path_, timers_);
  EXPECT_TRUE(s.Load().ok());
  EXPECT_EQ(s.size(), 0u);
}

TEST_F(PeerStoreTest, BurstOfUpdatesIsOneWriteWithinTheDelay) {
  PeerStore s(path_, timers_, milliseconds(250));
  for (int i = 1; i <= 200; ++i) s.Update(SamplePeer(i % 250));
  EXPECT_FALSE(Exists(path_)) << "nothing is written before the delay";
  AdvanceAndRun(clock_, timers_, milliseconds(249));
  EXPECT_EQ(s.writes(), 0u);
  AdvanceAndRun(clock_, timers_, milliseconds(1));
  EXPECT_EQ(s.writes(), 1u);
  PeerStore again(path_, timers_);
  ASSERT_TRUE(again.Load().ok());
  EXPECT_EQ(again.size(), 200u);
  EXPECT_EQ(again.All(), s.All());
}

TEST_F(PeerStoreTest, SameIdentityReplacesAndUnchangedCostsNothing) {
  PeerStore s(path_, timers_, milliseconds(100));
  PeerRecord r = SamplePeer(1);
  s.Update(r);
  AdvanceAndRun(clock_, timers_, milliseconds(100));
  s.Update(r);  // nothing new
  AdvanceAndRun(clock_, timers_, milliseconds(100));
  EXPECT_EQ(s.writes(), 1u);
  r.address.port = 4500;  // the NAT mapping changed
  r.behind_nat = true;
  s.Update(r);
  AdvanceAndRun(clock_, timers_, milliseconds(100));
  EXPECT_EQ(s.writes(), 2u);
  ASSERT_EQ(s.size(), 1u);
  PeerStore again(path_, timers_);
  ASSERT_TRUE(again.Load().ok());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again.All()[0], r);
}

TEST_F(PeerStoreTest, ForgetIsWritten) {
  PeerStore s(path_, timers_, milliseconds(10));
  s.Update(SamplePeer(1));
  s.Update(SamplePeer(2));
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  PeerRecord gone = SamplePeer(1);
  s.Forget(gone.connection, gone.id_type, gone.id_data);
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  PeerStore again(path_, timers_);
  ASSERT_TRUE(again.Load().ok());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again.All()[0], SamplePeer(2));
}

TEST_F(PeerStoreTest, DestructorWritesPendingChanges) {
  {
    PeerStore s(path_, timers_, std::chrono::hours(1));
    s.Update(SamplePeer(3));
  }
  PeerStore again(path_, timers_);
  ASSERT_TRUE(again.Load().ok());
  EXPECT_EQ(again.size(), 1u);
}

TEST_F(PeerStoreTest, GarbageFileIsReportedKeptAsideAndStartsFresh) {
  WriteRaw(std::string("\x00\xff garbage\n", 11));
  PeerStore s(path_, timers_, milliseconds(10));
  Status st = s.Load();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(path_ + ": line 1: not an ikevpn inertia file"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("kept as " + path_ + ".corrupt"), std::string::npos) << st.message();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(Exists(path_ + ".corrupt"));
  // The store works on: the next update writes a good file.
  s.Update(SamplePeer(4));
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  PeerStore again(path_, timers_);
  ASSERT_TRUE(again.Load().ok());
  EXPECT_EQ(again.size(), 1u);
}

TEST_F(PeerStoreTest, TruncatedFileStartsFresh) {
  std::string good = EncodePeerFile({SamplePeer(1), SamplePeer(2)});
  WriteRaw(good.substr(0, good.size() / 2));
  PeerStore s(path_, timers_);
  Status st = s.Load();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.size(), 0u);
}

TEST_F(PeerStoreTest, TornTempFileFromACrashLeavesTheOldState) {
  PeerStore s(path_, timers_, milliseconds(10));
  s.Update(SamplePeer(1));
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  // A crash in the middle of the next write leaves a partial temp file.
  std::string next = EncodePeerFile({SamplePeer(1), SamplePeer(2)});
  std::ofstream(path_ + ".tmp", std::ios::binary) << next.substr(0, next.size() / 3);
  PeerStore after(path_, timers_);
  ASSERT_TRUE(after.Load().ok());
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.All()[0], SamplePeer(1));
}

TEST_F(PeerStoreTest, FailedWriteKeepsTheChangesAndRetries) {
  PeerStore s(dir_ + "/missing-dir/inertia", timers_, milliseconds(10));
  s.Update(SamplePeer(1));
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  EXPECT_EQ(s.writes(), 0u);
  ASSERT_EQ(mkdir((dir_ + "/missing-dir").c_str(), 0700), 0);
  AdvanceAndRun(clock_, timers_, std::chrono::seconds(5));
  EXPECT_EQ(s.writes(), 1u);
}

}  // namespace
}  // namespace ikevpn::inertia
