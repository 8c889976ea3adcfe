// inertia_store_bench: the cost of one peer update to the address-inertia
// state file with many peers remembered.
//
//   inertia_store_bench [DIR [PEERS]]     (defaults: /var/tmp, 100000)
//
// DIR must be on the disk the state directory would be on (fsync costs are
// the point). Prints medians of:
//   rewrite   what every write cost before the journal (main before this
//             change): EncodePeerFile of all peers + WriteFileAtomically
//             (temp file, fsync, rename, directory fsync) after one update
//   append    PeerStore::Flush after one update: one journal batch,
//             appended + fdatasync
//   append100 PeerStore::Flush after 100 updates (one coalesced batch)
//   compact   PeerStore::Compact: a snapshot of all peers, written atomically
//             (inline: the daemon's loop would stall this long)
//   offloop   with CompactOffLoop (as the daemon runs it): the time the
//             owner's thread spends on a compaction: starting it (the write
//             that crosses the limit: its append, plus taking references
//             to the immutable records for the worker)
//             and finishing it (appending the batches written meanwhile,
//             rename, directory fsync); the worker's part is not counted
//   load      PeerStore::Load of a snapshot with a journal near its
//             compaction limit (the worst case at a restart)
// and the bytes each writes per update; the compaction's cost spread over
// the single-update appends that fill the journal to twice the snapshot.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/base/atomic_file.h"
#include "daemon/base/clock.h"
#include "daemon/base/timers.h"
#include "daemon/inertia/peer_journal.h"
#include "daemon/inertia/peer_store.h"
#include "tests/unit/inertia/post_queue.h"

using namespace ikevpn;
using namespace ikevpn::inertia;

namespace {

std::string Quad(int a, int i) {
  return std::to_string(a) + "." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
         std::to_string(i & 255);
}

PeerRecord Peer(int i, int64_t seen) {
  PeerRecord r;
  r.connection = "rw";
  r.id_type = 2;  // ID_FQDN
  r.id_text = "client" + std::to_string(i) + ".example.org";
  r.id_data = Bytes(r.id_text.begin(), r.id_text.end());
  r.address = Endpoint{*IpAddress::Parse(Quad(100, i)), static_cast<uint16_t>(1024 + i % 60000)};
  r.behind_nat = i % 2;
  r.virtual_ip = IpAddress::Parse(Quad(10, i));
  r.seen = seen;
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

template <typename F>
double Ms(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

size_t FileSize(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
}

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
}

void Row(const char* what, int rounds, double ms, double bytes_per_update, double updates) {
  std::printf("%-10s %6d rounds  median %9.3f ms per write  %9.3f ms per update  %11.0f bytes per update\n", what,
              rounds, ms, ms / updates, bytes_per_update);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = argc > 1 ? argv[1] : "/var/tmp";
  const int peers = argc > 2 ? std::atoi(argv[2]) : 100000;
  std::string tmpl = base + "/inertia_store_bench.XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = tmpl;
  const std::string path = dir + "/inertia";
  SystemClock clock;
  TimerQueue timers(clock);
  int64_t seen = 1700000000;
  {
    PeerStore store(path, timers);
    for (int i = 0; i < peers; ++i) store.Update(Peer(i, seen));
    Check(store.Compact());
    const size_t snapshot = FileSize(path);
    std::printf("%d peers, snapshot %zu bytes (%.1f per peer), directory %s\n", peers, snapshot,
                double(snapshot) / peers, dir.c_str());

    // Before: every write rewrote the whole file (main's PeerStore::Flush).
    std::vector<double> t;
    const std::string old_path = dir + "/inertia-v1";
    size_t old_bytes = 0;
    for (int r = 0; r < 11; ++r) {
      store.Update(Peer(r, ++seen));
      t.push_back(Ms([&] {
        std::string text = EncodePeerFile(store.All());
        old_bytes = text.size();
        Check(WriteFileAtomically(old_path, text));
      }));
    }
    const double rewrite = Median(t);
    Row("rewrite", 11, rewrite, double(old_bytes), 1);

    // After: one batch per write.
    t.clear();
    uint64_t before = store.bytes_written();
    const int rounds = 1001;
    for (int r = 0; r < rounds; ++r) {
      store.Update(Peer((r * 7919) % peers, ++seen));
      t.push_back(Ms([&] { Check(store.Flush()); }));
    }
    const double one_bytes = double(store.bytes_written() - before) / rounds;
    const double append = Median(t);
    Row("append", rounds, append, one_bytes, 1);

    t.clear();
    before = store.bytes_written();
    for (int r = 0; r < 101; ++r) {
      for (int k = 0; k < 100; ++k) store.Update(Peer((r * 100 + k) * 31 % peers, ++seen));
      t.push_back(Ms([&] { Check(store.Flush()); }));
    }
    Row("append100", 101, Median(t), double(store.bytes_written() - before) / (101 * 100), 100);

    t.clear();
    for (int r = 0; r < 5; ++r) t.push_back(Ms([&] { Check(store.Compact()); }));
    const double compact = Median(t);
    const double per_compaction = 2.0 * double(snapshot) / one_bytes;  // single-update batches
    Row("compact", 5, compact, double(snapshot), 1);
    std::printf("compaction every %.0f single-update writes: adds %.4f ms and %.0f bytes per update\n",
                per_compaction, compact / per_compaction, double(snapshot) / per_compaction);
    std::printf("per update, rewrite / append: %.0fx time, %.0fx bytes (append with compaction share: %.0fx, %.0fx)\n",
                rewrite / append, double(old_bytes) / one_bytes, rewrite / (append + compact / per_compaction),
                double(old_bytes) / (one_bytes + double(snapshot) / per_compaction));

    // Off the loop: fill the journal with batches of 1000 updates until one
    // crosses the limit and starts a compaction; its finish runs here.
    PostQueue loop;
    store.CompactOffLoop(loop.Poster());
    std::vector<double> start, finish, plain;
    for (int round = 0; round < 5; ++round) {
      Check(store.Compact());
      double last = 0;
      for (int r = 0; !store.compacting(); ++r) {
        if (r > 0) plain.push_back(last);
        for (int k = 0; k < 1000; ++k) store.Update(Peer((r * 1000 + k) % peers, ++seen));
        last = Ms([&] { Check(store.Flush()); });
      }
      start.push_back(last);
      std::function<void()> fn = loop.Wait();
      finish.push_back(Ms(fn));
    }
    std::printf("%-10s %6d rounds  median %9.3f ms for the write that starts it (a plain write of 1000 updates: "
                "%.3f ms), %.3f ms to finish\n",
                "offloop", 5, Median(start), Median(plain), Median(finish));

    // Fill the journal close to its limit (2x the snapshot) for the load.
    Check(store.Compact());
    for (int r = 0; FileSize(path) < snapshot * 27 / 10; ++r) {
      for (int k = 0; k < 1000; ++k) store.Update(Peer((r * 1000 + k) % peers, ++seen));
      Check(store.Flush());
    }
    std::printf("journal for the load: %zu bytes after the snapshot\n", FileSize(path) - snapshot);
  }
  std::vector<double> t;
  for (int r = 0; r < 5; ++r) {
    PeerStore again(path, timers);
    t.push_back(Ms([&] { Check(again.Load()); }));
    if (again.size() != static_cast<size_t>(peers)) {
      std::fprintf(stderr, "loaded %zu peers, want %d\n", again.size(), peers);
      return 1;
    }
  }
  std::printf("%-10s %6d rounds  median %9.3f ms (%zu bytes)\n", "load", 5, Median(t), FileSize(path));
  std::system(("rm -rf '" + dir + "'").c_str());
  return 0;
}
