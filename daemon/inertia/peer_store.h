// PeerStore: the responder's memory of where each authenticated peer was
// last seen (address inertia, DESIGN.md), kept in a crash-safe file.
//
// Updates are coalesced: the first change after a write schedules the next
// write `flush_delay` later, so a burst of thousands of establishments
// costs one fsync, and any change is on disk within flush_delay (plus the
// write itself). Each write replaces the whole file atomically
// (WriteFileAtomically): after a crash the file holds the last complete
// state. A damaged file is reported, kept aside as PATH.corrupt, and the
// store starts empty.
#pragma once

#include <map>
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
  PeerStore(std::string path, Timers& timers, Duration flush_delay = std::chrono::milliseconds(250));
  ~PeerStore();  // writes pending changes
  PeerStore(const PeerStore&) = delete;
  PeerStore& operator=(const PeerStore&) = delete;

  // Reads the file. A missing file is an empty store (Ok). A damaged one
  // gives an error saying what is wrong; the store is then empty and the
  // file moved to PATH.corrupt.
  Status Load();

  // Remembers `r` (replacing what was known of the same connection and
  // identity) and schedules a write if anything changed.
  void Update(PeerRecord r);
  // Forgets the peer (it said goodbye, or its connection is gone).
  void Forget(const std::string& connection, uint8_t id_type, const Bytes& id_data);

  // Writes now if anything changed since the last write.
  Status Flush();

  std::vector<PeerRecord> All() const;
  size_t size() const { return peers_.size(); }
  const std::string& path() const { return path_; }
  uint64_t writes() const { return writes_; }

 private:
  using Key = std::tuple<std::string, uint8_t, Bytes>;
  void ScheduleFlush();
  void ScheduleFlushIn(Duration delay);

  std::string path_;
  Timers& timers_;
  Duration flush_delay_;
  std::map<Key, PeerRecord> peers_;
  bool dirty_ = false;
  TimerId flush_timer_ = kNoTimer;
  uint64_t writes_ = 0;
};

}  // namespace ikevpn::inertia
