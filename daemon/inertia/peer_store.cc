#include "daemon/inertia/peer_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <thread>

#include "daemon/base/atomic_file.h"
#include "daemon/base/log.h"
#include "daemon/inertia/peer_journal.h"

namespace ikevpn::inertia {

namespace {

// 100,000 peers take about 25 MB as a snapshot, and the journal grows to
// twice the snapshot before it is compacted; anything far beyond is not ours.
constexpr size_t kMaxFileBytes = 256u << 20;

}  // namespace

struct PeerStore::Compaction {
  uint64_t seq = 0;
  std::thread worker;
  // Set by the worker before it posts the finish, read after joining it.
  Status written = Status::Ok();
  size_t bytes = 0;
};

PeerStore::PeerStore(std::string path, Timers& timers, Duration flush_delay, size_t min_journal_bytes)
    : path_(std::move(path)), timers_(timers), flush_delay_(flush_delay), min_journal_bytes_(min_journal_bytes) {}

PeerStore::~PeerStore() {
  AbandonCompaction();
  closing_ = true;  // the last write appends, whatever the journal's size
  if (flush_timer_ != kNoTimer) timers_.Cancel(flush_timer_);
  flush_timer_ = kNoTimer;
  if (Status s = Flush(); !s.ok()) IKEVPN_LOG(kDaemon, kError) << "inertia state: " << s.ToString();
  CloseJournal();
}

Status PeerStore::Load() {
  AbandonCompaction();
  CloseJournal();
  peers_.clear();
  changed_.clear();
  Result<std::string> text = ReadSmallFile(path_, kMaxFileBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return Status::Ok();
    return text.status();
  }
  return LoadText(*text);
}

Status PeerStore::LoadText(const std::string& text) {
  Result<PeerLog> log = ParsePeerLog(text);
  const std::string aside = path_ + ".corrupt";
  if (!log.ok()) {
    std::string kept = std::rename(path_.c_str(), aside.c_str()) == 0 ? ", kept as " + aside : "";
    return Status(Code::kInvalidArgument,
                  path_ + ": " + log.status().message() + kept + "; starting with no remembered peers");
  }
  for (PeerRecord& r : log->snapshot.records) {
    Key k{r.connection, r.id_type, r.id_data};
    peers_[std::move(k)] = std::make_shared<const PeerRecord>(std::move(r));
  }
  for (PeerOp& op : log->ops) {
    Key k{op.record.connection, op.record.id_type, op.record.id_data};
    if (op.forget) {
      peers_.erase(k);
    } else {
      peers_[std::move(k)] = std::make_shared<const PeerRecord>(std::move(op.record));
    }
  }
  if (!log->damage.empty()) {
    // Keep the damaged file for a look, then replace it with what was good.
    Status kept = WriteFileAtomically(aside, text);
    Status rewritten = Compact();
    std::string what = path_ + ": " + log->damage + "; kept the " + std::to_string(peers_.size()) +
                       " peer(s) recorded before it";
    if (kept.ok()) what += ", the damaged file as " + aside;
    if (!rewritten.ok()) what += " (rewriting the file failed: " + rewritten.ToString() + ")";
    return Status(Code::kInvalidArgument, what);
  }
  // A version-1 file stays as it is until the first write, a compaction.
  if (log->snapshot.version == 1) return Status::Ok();
  if (log->torn_bytes > 0) {
    IKEVPN_LOG(kDaemon, kWarn) << "inertia state: " << path_ << ": ignored a last batch of " << log->torn_bytes
                               << " bytes cut short by a crash";
  }
  snapshot_bytes_ = log->snapshot.bytes;
  journal_bytes_ = log->valid_bytes - log->snapshot.bytes;
  if (Status s = OpenJournal(log->valid_bytes); !s.ok()) {
    // The next write will be a compaction, which needs no open journal.
    IKEVPN_LOG(kDaemon, kWarn) << "inertia state: " << s.ToString();
  }
  return Status::Ok();
}

void PeerStore::Update(PeerRecord r) {
  Key k{r.connection, r.id_type, r.id_data};
  auto it = peers_.find(k);
  if (it != peers_.end() && *it->second == r) return;
  changed_.insert(k);
  peers_[std::move(k)] = std::make_shared<const PeerRecord>(std::move(r));
  ScheduleFlush();
}

void PeerStore::Forget(const std::string& connection, uint8_t id_type, const Bytes& id_data) {
  Key k{connection, id_type, id_data};
  if (peers_.erase(k) == 0) return;
  changed_.insert(std::move(k));
  ScheduleFlush();
}

void PeerStore::ScheduleFlush() { ScheduleFlushIn(flush_delay_); }

void PeerStore::ScheduleFlushIn(Duration delay) {
  dirty_ = true;
  if (flush_timer_ != kNoTimer) return;
  flush_timer_ = timers_.Schedule(delay, [this] {
    flush_timer_ = kNoTimer;
    if (Status s = Flush(); !s.ok()) {
      // Keep the changes and try again later (a full disk may clear up).
      IKEVPN_LOG(kDaemon, kError) << "inertia state: " << s.ToString() << " (retrying in 5 s)";
      ScheduleFlushIn(std::chrono::seconds(5));
    }
  });
}

std::vector<PeerOp> PeerStore::ChangedOps() const {
  std::vector<PeerOp> ops;
  ops.reserve(changed_.size());
  for (const Key& k : changed_) {
    auto it = peers_.find(k);
    if (it != peers_.end()) {
      ops.push_back(PeerOp{false, *it->second});
    } else {
      PeerOp op{true, {}};
      std::tie(op.record.connection, op.record.id_type, op.record.id_data) = k;
      ops.push_back(std::move(op));
    }
  }
  return ops;
}

Status PeerStore::Flush() {
  if (!dirty_) return Status::Ok();
  if (journal_fd_ < 0) return Compact();
  if (changed_.empty()) {
    dirty_ = false;
    return Status::Ok();
  }
  const std::string batch = EncodePeerBatch(ChangedOps());
  const size_t limit = std::max(2 * snapshot_bytes_, min_journal_bytes_);
  const bool compact = !closing_ && journal_bytes_ + batch.size() > limit;
  if (compact && !post_) return Compact();
  if (Status s = AppendDurably(journal_fd_, batch, path_); !s.ok()) {
    // Part of the batch may be in the file: only a compaction may follow it.
    CloseJournal();
    return s;
  }
  journal_bytes_ += batch.size();
  bytes_written_ += batch.size();
  changed_.clear();
  dirty_ = false;
  ++writes_;
  if (compaction_) {
    since_snapshot_ += batch;
  } else if (compact) {
    StartCompaction();
  }
  return Status::Ok();
}

void PeerStore::CompactOffLoop(Post post) { post_ = std::move(post); }

// The snapshot is of the state the file holds now: every change is in a
// completed batch. What is appended from here on is kept for the new file.
void PeerStore::StartCompaction() {
  compaction_ = std::make_unique<Compaction>();
  Compaction* c = compaction_.get();
  c->seq = ++compaction_seq_;
  since_snapshot_.clear();
  // The records are immutable and shared: the worker holds them as they are
  // now while the loop replaces them.
  c->worker = std::thread([this, c, records = SharedRecords(), path = path_, post = post_,
                           alive = std::weak_ptr<int>(alive_)] {
    const std::string snapshot = EncodeSharedPeerFile(records);
    c->bytes = snapshot.size();
    c->written = WriteSyncedTemp(path, snapshot);
    post([this, alive, seq = c->seq] {
      if (alive.lock()) FinishCompaction(seq);
    });
  });
}

void PeerStore::FinishCompaction(uint64_t seq) {
  if (!compaction_ || compaction_->seq != seq) return;  // abandoned
  compaction_->worker.join();
  std::unique_ptr<Compaction> c = std::move(compaction_);
  const std::string since = std::move(since_snapshot_);
  since_snapshot_.clear();
  const std::string tmp = path_ + ".tmp";
  Status s = c->written;
  if (s.ok() && journal_fd_ < 0) {
    // An append failed meanwhile: the next write compacts inline.
    s = Status(Code::kRetry, "the journal failed while compacting");
  }
  if (s.ok() && !since.empty()) {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    s = fd < 0 ? ErrnoStatus("opening " + tmp, errno) : AppendDurably(fd, since, tmp);
    if (fd >= 0) ::close(fd);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    IKEVPN_LOG(kDaemon, kWarn) << "inertia state: compaction: " << s.ToString();
    return;  // the old file, with every batch, stays
  }
  s = CommitTemp(path_);
  // Whatever the rename did, the old file's descriptor is no longer PATH's.
  CloseJournal();
  if (!s.ok()) {
    IKEVPN_LOG(kDaemon, kWarn) << "inertia state: compaction: " << s.ToString();
    return;  // no journal: the next write compacts inline
  }
  snapshot_bytes_ = c->bytes;
  journal_bytes_ = since.size();
  bytes_written_ += c->bytes + since.size();
  ++compactions_;
  if (Status o = OpenJournal(c->bytes + since.size()); !o.ok())
    IKEVPN_LOG(kDaemon, kWarn) << "inertia state: " << o.ToString();
}

void PeerStore::AbandonCompaction() {
  if (!compaction_) return;
  compaction_->worker.join();
  compaction_.reset();
  since_snapshot_.clear();
  ::unlink((path_ + ".tmp").c_str());
}

Status PeerStore::Compact() {
  AbandonCompaction();
  const std::string snapshot = EncodeSharedPeerFile(SharedRecords());
  IKEVPN_RETURN_IF_ERROR(WriteFileAtomically(path_, snapshot));
  CloseJournal();
  snapshot_bytes_ = snapshot.size();
  journal_bytes_ = 0;
  bytes_written_ += snapshot.size();
  changed_.clear();
  dirty_ = false;
  ++writes_;
  ++compactions_;
  // The state is on disk; without a journal the next write compacts again.
  if (Status s = OpenJournal(snapshot.size()); !s.ok())
    IKEVPN_LOG(kDaemon, kWarn) << "inertia state: " << s.ToString();
  return Status::Ok();
}

Status PeerStore::OpenJournal(size_t valid_bytes) {
  CloseJournal();
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("opening " + path_, errno);
  off_t end = ::lseek(fd, 0, SEEK_END);
  if (end < 0 || (static_cast<size_t>(end) > valid_bytes &&
                  (::ftruncate(fd, static_cast<off_t>(valid_bytes)) != 0 || ::fdatasync(fd) != 0))) {
    Status s = ErrnoStatus("cutting the torn end off " + path_, errno);
    ::close(fd);
    return s;
  }
  journal_fd_ = fd;
  return Status::Ok();
}

void PeerStore::CloseJournal() {
  if (journal_fd_ >= 0) ::close(journal_fd_);
  journal_fd_ = -1;
}

std::vector<std::shared_ptr<const PeerRecord>> PeerStore::SharedRecords() const {
  std::vector<std::shared_ptr<const PeerRecord>> out;
  out.reserve(peers_.size());
  for (const auto& [k, r] : peers_) out.push_back(r);
  return out;
}

std::vector<PeerRecord> PeerStore::All() const {
  std::vector<PeerRecord> out;
  out.reserve(peers_.size());
  for (const auto& [k, r] : peers_) out.push_back(*r);
  return out;
}

}  // namespace ikevpn::inertia
