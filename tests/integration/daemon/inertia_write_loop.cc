// inertia_write_loop: the inertia state writer under kill -9.
//
//   inertia_write_loop write PATH   rewrites PATH through PeerStore, forever:
//                                   generation g holds 300 peers seen at g;
//                                   prints "done g" after each completed write
//   inertia_write_loop write-offloop PATH
//                                   the same with compactions on a worker
//                                   thread (CompactOffLoop, as the daemon)
//   inertia_write_loop check PATH   loads PATH (snapshot + journal); prints its
//                                   generation, or the error and exits 1
//
// inertia_crash_test.sh kills the writer at random moments and checks that
// the file always parses and holds the last completed generation or the
// one being written.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "daemon/base/clock.h"
#include "daemon/base/timers.h"
#include "daemon/inertia/peer_store.h"
#include "tests/unit/inertia/post_queue.h"

using namespace ikevpn;
using namespace ikevpn::inertia;

namespace {

PeerRecord Peer(int i, int64_t generation) {
  PeerRecord r;
  r.connection = "rw";
  r.id_type = 2;
  r.id_text = "client" + std::to_string(i) + ".example.org";
  r.id_data = Bytes(r.id_text.begin(), r.id_text.end());
  r.address = Endpoint{*IpAddress::Parse("198.51.100." + std::to_string(i % 250 + 1)),
                       static_cast<uint16_t>(1024 + i)};
  r.behind_nat = i % 2;
  r.virtual_ip = IpAddress::Parse("10.99." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1));
  r.seen = generation;
  return r;
}

int Write(const std::string& path, bool offloop) {
  SystemClock clock;
  TimerQueue timers(clock);
  // No minimum journal size: a compaction every third generation or so, so
  // that kills land in both kinds of write.
  PeerStore store(path, timers, std::chrono::milliseconds(250), /*min_journal_bytes=*/0);
  // What the worker posts back runs between writes (the daemon's loop).
  PostQueue loop;
  if (offloop) store.CompactOffLoop(loop.Poster());
  for (int64_t g = 1;; ++g) {
    for (int i = 0; i < 300; ++i) store.Update(Peer(i, g));
    if (Status s = store.Flush(); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    loop.RunPosted();
    std::string line = "done " + std::to_string(g) + "\n";
    if (::write(1, line.data(), line.size()) < 0) return 1;
  }
}

int Check(const std::string& path) {
  // Read the way the daemon reads it: snapshot, then the journal's complete
  // batches (a torn last batch is ignored).
  SystemClock clock;
  TimerQueue timers(clock);
  PeerStore store(path, timers);
  if (Status s = store.Load(); !s.ok()) {
    std::printf("%s\n", s.ToString().c_str());
    return 1;
  }
  if (store.size() == 0) {
    std::printf("%s: no peers\n", path.c_str());
    return 1;
  }
  const std::vector<PeerRecord> all = store.All();
  const std::vector<PeerRecord>* records = &all;
  if (records->size() != 300) {
    std::printf("%zu records, want 300\n", records->size());
    return 1;
  }
  for (const PeerRecord& r : *records) {
    if (r.seen != records->front().seen) {
      std::printf("records of two generations mixed\n");
      return 1;
    }
  }
  std::printf("%lld\n", static_cast<long long>(records->front().seen));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "write") return Write(argv[2], false);
  if (argc == 3 && std::string(argv[1]) == "write-offloop") return Write(argv[2], true);
  if (argc == 3 && std::string(argv[1]) == "check") return Check(argv[2]);
  std::fprintf(stderr, "usage: %s write|write-offloop|check PATH\n", argv[0]);
  return 2;
}
