#include "daemon/inertia/peer_store.h"

#include <cstdio>

#include "daemon/base/atomic_file.h"
#include "daemon/base/log.h"

namespace ikevpn::inertia {

namespace {

// 100,000 peers take about 25 MB; anything far beyond is not our file.
constexpr size_t kMaxFileBytes = 64u << 20;

}  // namespace

PeerStore::PeerStore(std::string path, Timers& timers, Duration flush_delay)
    : path_(std::move(path)), timers_(timers), flush_delay_(flush_delay) {}

PeerStore::~PeerStore() {
  if (flush_timer_ != kNoTimer) timers_.Cancel(flush_timer_);
  flush_timer_ = kNoTimer;
  if (Status s = Flush(); !s.ok()) IKEVPN_LOG(kDaemon, kError) << "inertia state: " << s.ToString();
}

Status PeerStore::Load() {
  peers_.clear();
  Result<std::string> text = ReadSmallFile(path_, kMaxFileBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return Status::Ok();
    return text.status();
  }
  Result<std::vector<PeerRecord>> records = ParsePeerFile(*text);
  if (!records.ok()) {
    const std::string aside = path_ + ".corrupt";
    std::string kept = std::rename(path_.c_str(), aside.c_str()) == 0 ? ", kept as " + aside : "";
    return Status(Code::kInvalidArgument,
                  path_ + ": " + records.status().message() + kept + "; starting with no remembered peers");
  }
  for (PeerRecord& r : *records) {
    Key k{r.connection, r.id_type, r.id_data};
    peers_[std::move(k)] = std::move(r);
  }
  return Status::Ok();
}

void PeerStore::Update(PeerRecord r) {
  Key k{r.connection, r.id_type, r.id_data};
  auto it = peers_.find(k);
  if (it != peers_.end() && it->second == r) return;
  peers_[std::move(k)] = std::move(r);
  ScheduleFlush();
}

void PeerStore::Forget(const std::string& connection, uint8_t id_type, const Bytes& id_data) {
  if (peers_.erase(Key{connection, id_type, id_data}) > 0) ScheduleFlush();
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

Status PeerStore::Flush() {
  if (!dirty_) return Status::Ok();
  IKEVPN_RETURN_IF_ERROR(WriteFileAtomically(path_, EncodePeerFile(All())));
  dirty_ = false;
  ++writes_;
  return Status::Ok();
}

std::vector<PeerRecord> PeerStore::All() const {
  std::vector<PeerRecord> out;
  out.reserve(peers_.size());
  for (const auto& [k, r] : peers_) out.push_back(r);
  return out;
}

}  // namespace ikevpn::inertia
