// The journal after the snapshot: replay, torn tails at every byte, damage
// in the middle, and random mutations that must never be misread.
#include "daemon/inertia/peer_journal.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/unit/inertia/test_records.h"

namespace ikevpn::inertia {
namespace {

PeerOp Up(PeerRecord r) { return PeerOp{false, std::move(r)}; }
PeerOp Gone(const PeerRecord& r) {
  PeerOp op{true, {}};
  op.record.connection = r.connection;
  op.record.id_type = r.id_type;
  op.record.id_data = r.id_data;
  return op;
}

struct Journal {
  std::string snapshot;
  std::vector<std::vector<PeerOp>> batches;
  std::string text;
};

// A snapshot of two peers, then: peer 3 arrives and peer 1 moves; peer 2
// leaves; peer 4 arrives (with a virtual IP and an IPv6 address).
Journal Sample() {
  Journal j;
  j.snapshot = EncodePeerFile({SamplePeer(1), SamplePeer(2)});
  PeerRecord moved = SamplePeer(1, true);
  PeerRecord v6 = SamplePeer(4);
  v6.address = Endpoint{*IpAddress::Parse("2001:db8::4"), 4500};
  j.batches = {{Up(SamplePeer(3)), Up(moved)}, {Gone(SamplePeer(2))}, {Up(v6)}};
  j.text = j.snapshot;
  for (const auto& b : j.batches) j.text += EncodePeerBatch(b);
  return j;
}

std::vector<PeerOp> OpsOfFirst(const Journal& j, size_t batches) {
  std::vector<PeerOp> ops;
  for (size_t i = 0; i < batches; ++i) ops.insert(ops.end(), j.batches[i].begin(), j.batches[i].end());
  return ops;
}

TEST(PeerJournalTest, ReplaysEveryBatchInOrder) {
  const Journal j = Sample();
  auto log = ParsePeerLog(j.text);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->snapshot.version, 2);
  EXPECT_EQ(log->snapshot.records, (std::vector<PeerRecord>{SamplePeer(1), SamplePeer(2)}));
  EXPECT_EQ(log->snapshot.bytes, j.snapshot.size());
  EXPECT_EQ(log->ops, OpsOfFirst(j, 3));
  EXPECT_EQ(log->batches, 3u);
  EXPECT_EQ(log->valid_bytes, j.text.size());
  EXPECT_EQ(log->torn_bytes, 0u);
  EXPECT_TRUE(log->damage.empty());
}

TEST(PeerJournalTest, BatchFormatIsLinesAndACommit) {
  const std::string b = EncodePeerBatch({Gone(SamplePeer(2))});
  const std::string forget = "forget 7277 2 636c69656e74322e6578616d706c652e6f7267\n";
  ASSERT_EQ(b.substr(0, forget.size()), forget);
  EXPECT_EQ(b.substr(forget.size()), "commit 1 " + PeerFileHashHex(forget) + "\n");
}

// A crash while the last batch was being appended: cut the file at every
// byte of that batch. The batch is ignored as a whole, what came before it
// is all there.
TEST(PeerJournalTest, TornLastBatchAtEveryByteIsIgnored) {
  const Journal j = Sample();
  const size_t last = j.text.size() - EncodePeerBatch(j.batches.back()).size();
  for (size_t n = last; n < j.text.size(); ++n) {
    auto log = ParsePeerLog(std::string_view(j.text).substr(0, n));
    ASSERT_TRUE(log.ok()) << "cut at " << n << ": " << log.status().ToString();
    EXPECT_EQ(log->ops, OpsOfFirst(j, 2)) << "cut at " << n;
    EXPECT_EQ(log->valid_bytes, last) << "cut at " << n;
    EXPECT_EQ(log->torn_bytes, n - last) << "cut at " << n;
    EXPECT_TRUE(log->damage.empty()) << "cut at " << n << ": " << log->damage;
  }
}

// The same for every byte of the whole journal: always a whole number of
// batches, never a part of one.
TEST(PeerJournalTest, EveryCutInTheJournalKeepsWholeBatches) {
  const Journal j = Sample();
  std::vector<size_t> ends{j.snapshot.size()};
  for (const auto& b : j.batches) ends.push_back(ends.back() + EncodePeerBatch(b).size());
  for (size_t n = j.snapshot.size(); n <= j.text.size(); ++n) {
    auto log = ParsePeerLog(std::string_view(j.text).substr(0, n));
    ASSERT_TRUE(log.ok()) << "cut at " << n << ": " << log.status().ToString();
    size_t whole = 0;
    while (whole + 1 < ends.size() && ends[whole + 1] <= n) ++whole;
    EXPECT_EQ(log->batches, whole) << "cut at " << n;
    EXPECT_EQ(log->ops, OpsOfFirst(j, whole)) << "cut at " << n;
  }
}

// A power loss can leave the end of an append as zeros or old blocks: the
// commit line may be complete while the batch is not what was written.
TEST(PeerJournalTest, LastBatchWithAWrongChecksumIsATornTail) {
  const Journal j = Sample();
  std::string text = j.text;
  size_t at = text.rfind(" 4500 ");
  ASSERT_GT(at, text.size() - EncodePeerBatch(j.batches.back()).size());
  text.replace(at, 6, " 4501 ");  // still a valid record, not what was written
  auto log = ParsePeerLog(text);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->ops, OpsOfFirst(j, 2));
  EXPECT_GT(log->torn_bytes, 0u);
  EXPECT_TRUE(log->damage.empty());

  std::string zeros = j.text.substr(0, j.text.size() - 30) + std::string(30, '\0');
  log = ParsePeerLog(zeros);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->ops, OpsOfFirst(j, 2));
}

TEST(PeerJournalTest, DamagedBatchWithDataAfterItIsReportedAndStopsTheReplay) {
  const Journal j = Sample();
  std::string text = j.text;
  size_t at = text.find(" 192.0.2.3 ", j.snapshot.size());
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 11, " 192.0.2.9 ");  // in the first batch; two follow
  auto log = ParsePeerLog(text);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE(log->ops.empty()) << "nothing of or after the damaged batch is applied";
  EXPECT_EQ(log->valid_bytes, j.snapshot.size());
  EXPECT_EQ(log->torn_bytes, 0u);
  EXPECT_NE(log->damage.find("batch at lines 5-7: checksum mismatch"), std::string::npos) << log->damage;
}

TEST(PeerJournalTest, CommitCountMustMatch) {
  const Journal j = Sample();
  std::string b = EncodePeerOp(Up(SamplePeer(5)));
  std::string text = j.text + b + "commit 2 " + PeerFileHashHex(b) + "\n" + EncodePeerBatch({Up(SamplePeer(6))});
  auto log = ParsePeerLog(text);
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->damage.find("counts 2 changes, the batch has 1"), std::string::npos) << log->damage;
  EXPECT_EQ(log->ops, OpsOfFirst(j, 3));
}

TEST(PeerJournalTest, DamagedSnapshotIsAnError) {
  const Journal j = Sample();
  std::string text = j.text;
  text[j.snapshot.size() / 2] ^= 1;
  EXPECT_FALSE(ParsePeerLog(text).ok());
  EXPECT_FALSE(ParsePeerLog(std::string_view(j.text).substr(0, j.snapshot.size() - 1)).ok());
}

TEST(PeerJournalTest, ReadsVersion1Files) {
  auto log = ParsePeerLog(kVersion1File);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->snapshot.version, 1);
  EXPECT_EQ(log->snapshot.records, (std::vector<PeerRecord>{SamplePeer(1), SamplePeer(2, true)}));
  EXPECT_TRUE(log->ops.empty());
  // Version 1 had no journal: anything after its end line is damage.
  std::string more = std::string(kVersion1File) + EncodePeerBatch({Up(SamplePeer(3))});
  auto bad = ParsePeerLog(more);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 5: data after the end line"), std::string::npos)
      << bad.status().message();
}

// Random flips, insertions and deletions in the journal never crash the
// reader, and what it accepts is always the first k batches as written.
TEST(PeerJournalTest, MutationsNeverYieldChangesThatWereNotWritten) {
  const Journal j = Sample();
  std::mt19937 rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string m = j.text;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = j.snapshot.size() + rng() % (m.size() - j.snapshot.size());
      switch (rng() % 3) {
        case 0: m[at] = static_cast<char>(rng()); break;
        case 1: m.insert(m.begin() + static_cast<long>(at), static_cast<char>(rng())); break;
        default: m.erase(at, 1 + rng() % 8); break;
      }
      if (m.size() <= j.snapshot.size()) m = j.text;
    }
    auto log = ParsePeerLog(m);
    ASSERT_TRUE(log.ok()) << "the snapshot was not touched";
    ASSERT_LE(log->batches, j.batches.size());
    EXPECT_EQ(log->ops, OpsOfFirst(j, log->batches)) << "mutation " << i << " was read as other changes";
  }
}

}  // namespace
}  // namespace ikevpn::inertia
