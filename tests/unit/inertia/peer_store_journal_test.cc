// PeerStore over its journal: a write appends only the change, torn tails
// are cut off before the next append, compaction, damage, version 1.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "daemon/inertia/peer_journal.h"
#include "daemon/inertia/peer_store.h"
#include "tests/unit/inertia/post_queue.h"
#include "tests/unit/inertia/store_dir_test.h"
#include "tests/unit/inertia/test_records.h"

namespace ikevpn::inertia {
namespace {

using std::chrono::milliseconds;

class PeerStoreJournalTest : public StoreDirTest {
 protected:
  std::string Read(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  size_t FileSize() {
    struct stat st {};
    return ::stat(path_.c_str(), &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
  }
  std::vector<PeerRecord> Reloaded() {
    PeerStore again(path_, timers_);
    Status s = again.Load();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return again.All();
  }
  // One write per peer.
  void WriteEach(PeerStore& s, const std::vector<PeerRecord>& peers) {
    for (const PeerRecord& r : peers) {
      s.Update(r);
      ASSERT_TRUE(s.Flush().ok());
    }
  }
};

TEST_F(PeerStoreJournalTest, AWriteAppendsOnlyTheChangedPeers) {
  PeerStore s(path_, timers_, milliseconds(10));
  for (int i = 1; i <= 250; ++i) s.Update(SamplePeer(i));  // 192.0.2.N
  ASSERT_TRUE(s.Flush().ok());
  EXPECT_EQ(s.compactions(), 1u) << "the first write is a snapshot";
  const size_t snapshot = FileSize();
  const uint64_t before = s.bytes_written();
  PeerRecord moved = SamplePeer(200, true);
  s.Update(moved);
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  EXPECT_EQ(s.writes(), 2u);
  EXPECT_EQ(s.compactions(), 1u);
  const std::string batch = EncodePeerBatch({PeerOp{false, moved}});
  EXPECT_EQ(s.bytes_written() - before, batch.size());
  EXPECT_EQ(FileSize(), snapshot + batch.size());
  EXPECT_LT(batch.size(), 300u);
  EXPECT_EQ(Reloaded(), s.All());
}

TEST_F(PeerStoreJournalTest, ForgetsAndUpdatesReplayAfterAReload) {
  {
    PeerStore s(path_, timers_, milliseconds(10));
    for (int i = 1; i <= 5; ++i) s.Update(SamplePeer(i));
    AdvanceAndRun(clock_, timers_, milliseconds(10));
  }
  PeerStore s(path_, timers_, milliseconds(10));
  ASSERT_TRUE(s.Load().ok());
  PeerRecord gone = SamplePeer(2);
  s.Forget(gone.connection, gone.id_type, gone.id_data);
  s.Update(SamplePeer(3, true));
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  s.Update(SamplePeer(6));
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  EXPECT_EQ(s.compactions(), 0u) << "a loaded journal is appended to";
  EXPECT_EQ(s.writes(), 2u);
  auto all = Reloaded();
  EXPECT_EQ(all, s.All());
  EXPECT_EQ(all, (std::vector<PeerRecord>{SamplePeer(1), SamplePeer(3, true), SamplePeer(4), SamplePeer(5),
                                          SamplePeer(6)}));
}

// A crash cut the last append short. Loading ignores it and cuts it off, so
// the next batch follows the good ones rather than the torn bytes.
TEST_F(PeerStoreJournalTest, TornTailIsCutOffBeforeTheNextAppend) {
  PeerStore s(path_, timers_, milliseconds(10));
  WriteEach(s, {SamplePeer(1), SamplePeer(2)});  // a snapshot and a batch
  const size_t good = FileSize();
  WriteEach(s, {SamplePeer(3)});
  ASSERT_EQ(truncate(path_.c_str(), static_cast<off_t>(FileSize() - 5)), 0);

  PeerStore after(path_, timers_, milliseconds(10));
  ASSERT_TRUE(after.Load().ok());
  EXPECT_EQ(after.All(), (std::vector<PeerRecord>{SamplePeer(1), SamplePeer(2)}));
  EXPECT_EQ(FileSize(), good);
  after.Update(SamplePeer(4));
  ASSERT_TRUE(after.Flush().ok());
  EXPECT_EQ(after.compactions(), 0u);
  EXPECT_EQ(Reloaded(), (std::vector<PeerRecord>{SamplePeer(1), SamplePeer(2), SamplePeer(4)}));
}

TEST_F(PeerStoreJournalTest, CompactsWhenTheJournalOutgrowsTwiceTheSnapshot) {
  PeerStore s(path_, timers_, milliseconds(10), /*min_journal_bytes=*/0);
  for (int i = 1; i <= 10; ++i) s.Update(SamplePeer(i));
  ASSERT_TRUE(s.Flush().ok());
  const size_t snapshot = FileSize();
  int writes = 0;
  // Move peer 1 around: one small batch per write, until a compaction.
  for (int64_t t = 1; s.compactions() == 1 && writes < 1000; ++t, ++writes) {
    PeerRecord r = SamplePeer(1);
    r.seen += t;
    s.Update(r);
    ASSERT_TRUE(s.Flush().ok());
    ASSERT_LE(FileSize(), 3 * snapshot) << "the journal stays within twice the snapshot";
  }
  EXPECT_EQ(s.compactions(), 2u);
  const size_t batch = EncodePeerBatch({PeerOp{false, SamplePeer(1)}}).size();
  EXPECT_NEAR(writes, 2 * snapshot / batch + 1, 2);
  EXPECT_EQ(FileSize(), snapshot) << "the compacted file is a snapshot again";
  EXPECT_EQ(Read(path_).substr(0, 17), "ikevpn-inertia 2\n");
  EXPECT_EQ(Reloaded(), s.All());
}

TEST_F(PeerStoreJournalTest, DamagedBatchKeepsWhatCameBeforeAndTheFileAside) {
  PeerStore s(path_, timers_, milliseconds(10));
  WriteEach(s, {SamplePeer(1), SamplePeer(2), SamplePeer(3)});  // a snapshot and two batches
  std::string text = Read(path_);
  size_t at = text.find(" 192.0.2.2 ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 11, " 192.0.2.7 ");
  WriteRaw(text);

  PeerStore after(path_, timers_, milliseconds(10));
  Status st = after.Load();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("checksum mismatch; kept the 1 peer(s) recorded before it, the damaged file as " +
                              path_ + ".corrupt"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(after.All(), std::vector<PeerRecord>{SamplePeer(1)});
  EXPECT_EQ(Read(path_ + ".corrupt"), text);
  EXPECT_EQ(Reloaded(), std::vector<PeerRecord>{SamplePeer(1)}) << "the file was rewritten with what was good";
}

// The file main wrote before the journal existed (version 1).
TEST_F(PeerStoreJournalTest, Version1FileIsReadAndRewrittenOnTheFirstWrite) {
  const std::string v1(kVersion1File);
  WriteRaw(v1);
  PeerStore s(path_, timers_, milliseconds(10));
  ASSERT_TRUE(s.Load().ok());
  EXPECT_EQ(s.All(), (std::vector<PeerRecord>{SamplePeer(1), SamplePeer(2, true)}));
  EXPECT_EQ(Read(path_), v1) << "reading changes nothing";
  s.Update(SamplePeer(3));
  AdvanceAndRun(clock_, timers_, milliseconds(10));
  EXPECT_EQ(s.compactions(), 1u);
  const std::string now = Read(path_);
  EXPECT_EQ(now.substr(0, 17), "ikevpn-inertia 2\n");
  EXPECT_EQ(Reloaded(), (std::vector<PeerRecord>{SamplePeer(1), SamplePeer(2, true), SamplePeer(3)}));
}

// Moves peer 1 (one small batch per write) until a compaction starts.
void WriteUntilCompacting(PeerStore& s, int64_t* t) {
  for (int i = 0; !s.compacting() && i < 1000; ++i) {
    PeerRecord r = SamplePeer(1);
    r.seen += ++*t;
    s.Update(r);
    ASSERT_TRUE(s.Flush().ok());
  }
  ASSERT_TRUE(s.compacting());
}

TEST_F(PeerStoreJournalTest, CompactionOffTheLoopKeepsTheWritesMadeMeanwhile) {
  PostQueue loop;
  PeerStore s(path_, timers_, milliseconds(10), /*min_journal_bytes=*/0);
  s.CompactOffLoop(loop.Poster());
  for (int i = 1; i <= 10; ++i) s.Update(SamplePeer(i));
  ASSERT_TRUE(s.Flush().ok());  // no journal yet: inline
  ASSERT_EQ(s.compactions(), 1u);
  const size_t snapshot = FileSize();
  int64_t t = 0;
  WriteUntilCompacting(s, &t);
  // Writes go on while the worker writes the snapshot; a crash now leaves
  // the old file, which has them all.
  PeerRecord gone = SamplePeer(2);
  s.Forget(gone.connection, gone.id_type, gone.id_data);
  ASSERT_TRUE(s.Flush().ok());
  s.Update(SamplePeer(11));
  ASSERT_TRUE(s.Flush().ok());
  EXPECT_GT(FileSize(), 3 * snapshot);
  EXPECT_EQ(Reloaded(), s.All());

  std::function<void()> finish = loop.Wait();  // the worker's finish
  ASSERT_TRUE(finish);
  finish();
  EXPECT_FALSE(s.compacting());
  EXPECT_EQ(s.compactions(), 2u);
  const std::string forget = EncodePeerBatch({PeerOp{true, {gone.connection, gone.id_type, gone.id_data}}});
  const std::string eleven = EncodePeerBatch({PeerOp{false, SamplePeer(11)}});
  EXPECT_EQ(FileSize(), snapshot + forget.size() + eleven.size())
      << "the new snapshot and the two batches written while it was made";
  EXPECT_FALSE(Exists(path_ + ".tmp"));
  EXPECT_EQ(Reloaded(), s.All());
  // And appends go to the new file.
  s.Update(SamplePeer(12));
  ASSERT_TRUE(s.Flush().ok());
  EXPECT_EQ(Reloaded(), s.All());
  EXPECT_EQ(s.All().size(), 11u);
}

TEST_F(PeerStoreJournalTest, StoreGoneBeforeTheCompactionFinishes) {
  PostQueue loop;
  std::vector<PeerRecord> all;
  {
    PeerStore s(path_, timers_, milliseconds(10), 0);
    s.CompactOffLoop(loop.Poster());
    for (int i = 1; i <= 10; ++i) s.Update(SamplePeer(i));
    ASSERT_TRUE(s.Flush().ok());
    int64_t t = 0;
    WriteUntilCompacting(s, &t);
    s.Update(SamplePeer(20));
    all = s.All();
  }  // waits for the worker, writes the pending change to the old file
  std::function<void()> finish = loop.Wait();
  ASSERT_TRUE(finish);
  finish();  // finds the store gone and does nothing
  EXPECT_FALSE(Exists(path_ + ".tmp"));
  EXPECT_EQ(Reloaded(), all);
}

}  // namespace
}  // namespace ikevpn::inertia
