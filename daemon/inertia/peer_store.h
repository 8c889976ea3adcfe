// PeerStore: the responder's memory of where each authenticated peer was
// last seen (address inertia, DESIGN.md), kept in a crash-safe file.
//
// Updates are coalesced: the first change after a write schedules the next
// write `flush_delay` later, so a burst of thousands of establishments
// costs one fdatasync, and any change is on disk within flush_delay (plus
// the write itself). A write appends one journal batch holding only the
// peers that changed (peer_journal.h), so its cost follows the change, not
// the number of peers remembered. When the journal outgrows twice the
// snapshot (and `min_journal_bytes`), the file is compacted: the whole
// state as a new snapshot, written atomically (temp file, fsync, rename,
// directory fsync), which also starts an empty journal; its cost, spread
// over the batches that filled the journal, is a constant per change. With
// CompactOffLoop the snapshot is encoded and written on a worker thread
// while writes go on appending to the old file; back on the owner's thread
// the batches appended meanwhile are added to the new file, which then
// replaces the old one. Otherwise the write that needs it compacts inline.
//
// After a crash at any point the file yields every change of every write
// that completed; a batch cut short is recognised and ignored. A damaged
// snapshot is reported, kept aside as PATH.corrupt, and the store starts
// empty; a damaged batch in the journal is reported, the file kept aside,
// and the store goes on with what came before it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/timers.h"
#include "daemon/inertia/peer_file.h"

namespace ikevpn::inertia {

class PeerStore {
 public:
  // `timers` must outlive the store.
  PeerStore(std::string path, Timers& timers, Duration flush_delay = std::chrono::milliseconds(250),
            size_t min_journal_bytes = 1u << 20);
  ~PeerStore();  // writes pending changes
  PeerStore(const PeerStore&) = delete;
  PeerStore& operator=(const PeerStore&) = delete;

  // Reads the file: its snapshot, then its journal. A missing file is an
  // empty store (Ok); so is one whose last batch was torn by a crash (the
  // batch is cut off the file). A damaged one gives an error saying what is
  // wrong and the file is kept as PATH.corrupt: with a damaged snapshot the
  // store is empty, with a damaged batch it holds what came before it. A
  // version-1 file is read and rewritten in the current format on the next
  // write.
  Status Load();

  // Remembers `r` (replacing what was known of the same connection and
  // identity) and schedules a write if anything changed.
  void Update(PeerRecord r);
  // Forgets the peer (it said goodbye, or its connection is gone).
  void Forget(const std::string& connection, uint8_t id_type, const Bytes& id_data);

  // Writes now if anything changed since the last write.
  Status Flush();
  // Writes the whole state as a new snapshot now (with an empty journal),
  // in place of a compaction running on a worker, if any.
  Status Compact();

  // From now on compactions run on a worker thread; `post` must be
  // thread-safe and run its function on the thread that owns the store
  // (EventLoop::Post), which must outlive the store.
  using Post = std::function<void(std::function<void()>)>;
  void CompactOffLoop(Post post);
  bool compacting() const { return compaction_ != nullptr; }

  std::vector<PeerRecord> All() const;
  size_t size() const { return peers_.size(); }
  const std::string& path() const { return path_; }
  uint64_t writes() const { return writes_; }            // completed writes
  uint64_t compactions() const { return compactions_; }  // of which snapshots
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  using Key = std::tuple<std::string, uint8_t, Bytes>;
  void ScheduleFlush();
  void ScheduleFlushIn(Duration delay);
  std::vector<PeerOp> ChangedOps() const;
  std::vector<std::shared_ptr<const PeerRecord>> SharedRecords() const;
  // Opens the file for appending, cut to `valid_bytes` if longer.
  Status OpenJournal(size_t valid_bytes);
  void CloseJournal();
  Status LoadText(const std::string& text);
  struct Compaction;
  void StartCompaction();
  void FinishCompaction(uint64_t seq);
  void AbandonCompaction();

  std::string path_;
  Timers& timers_;
  Duration flush_delay_;
  size_t min_journal_bytes_;
  // Shared with a compaction's worker, which encodes them: never changed in place.
  std::map<Key, std::shared_ptr<const PeerRecord>> peers_;
  std::set<Key> changed_;  // since the last write
  bool dirty_ = false;
  TimerId flush_timer_ = kNoTimer;
  int journal_fd_ = -1;  // the file, open for appending; -1: the next write is a compaction
  size_t snapshot_bytes_ = 0;
  size_t journal_bytes_ = 0;
  uint64_t writes_ = 0;
  uint64_t compactions_ = 0;
  uint64_t bytes_written_ = 0;
  Post post_;
  std::unique_ptr<Compaction> compaction_;  // on a worker
  std::string since_snapshot_;              // the batches appended since it began
  uint64_t compaction_seq_ = 0;
  bool closing_ = false;  // in the destructor: no compaction
  // What the worker's posted finish holds a weak reference to: gone with the store.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace ikevpn::inertia
