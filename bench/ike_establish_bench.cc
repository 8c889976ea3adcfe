// ike_establish_bench: establishes N IKE_SA+CHILD_SA pairs between an
// initiator engine and a responder engine in one process, connected by an
// in-memory wire, and reports CPU and memory per pair.
//
//   PSK + X25519 + AES-GCM: IKE aes256gcm16-prfsha256-x25519, ESP aes256gcm16.
//   The responder is one road-warrior gateway connection (remote %any); the
//   initiator has one connection per client (own address, identity and
//   inner /32), so every pair is a distinct peer as on a real gateway.
//   A null kernel backend accepts SAs and policies and keeps nothing: the
//   figures are the IKE daemon's cost. Real SystemRng and SystemClock, the
//   daemon's TimerQueue (one per engine), logging at warn (as strongSwan's
//   load-tester runs with logging off; --log-info keeps info lines, sent to
//   a sink that drops them).
//
// Each run is a forked child (a clean heap); the parent prints every run
// and the medians.
//
//   ike_establish_bench [--n 10000] [--runs 3] [--batch 32] [--log-info] [--in-process]
//
// CPU: getrusage(RUSAGE_SELF) user+sys over the establishment loop / N
// (both engines), and per side the thread CPU time spent inside each
// engine's calls. Memory: malloc'd bytes in use (mallinfo2 uordblks +
// hblkhd) and RSS (/proc/self/statm) before and after; the responder's share
// is what is still in use after the initiator engine is destroyed.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "daemon/base/log.h"
#include "daemon/config/proposal_parser.h"
#include "bench/ike_establish_env.h"
#include "daemon/ike/engine.h"

namespace ikevpn::ike::bench {
namespace {

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double ProcessCpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

double WallSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int64_t HeapBytes() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
}

int64_t RssBytes() {
  long size = 0, resident = 0;
  if (FILE* f = fopen("/proc/self/statm", "r")) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
  }
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

// ---- two engines and a wire ----

struct Datagram {
  Bytes data;
  Endpoint from;
  Endpoint to;
};

struct Side final : public net::PacketSender {
  Side(const Clock& clock, Rng& rng, EngineSettings settings) : timers(clock) {
    engine = std::make_unique<Engine>(EngineEnv{clock, timers, rng, kernel, interfaces, *this, secrets,
                                                credentials, [this](const api::Event& e) { Count(e); }, settings});
    outbox.reserve(256);
  }
  Status Send(ByteSpan message, const Endpoint& local, const Endpoint& remote) override {
    outbox.push_back({Bytes(message.begin(), message.end()), local, remote});
    return Status::Ok();
  }
  std::optional<IpAddress> SourceFor(const IpAddress&) override { return std::nullopt; }
  void Count(const api::Event& e) {
    if (e.kind == api::EventKind::kChildSaUp) ++children_up;
    if (e.kind == api::EventKind::kFailed) ++failures;
  }
  // Hands a datagram to the engine, charging the thread CPU time to it.
  void Deliver(const Datagram& d) {
    double t0 = ThreadCpuSeconds();
    engine->OnDatagram(d.data, d.to, d.from);
    cpu += ThreadCpuSeconds() - t0;
  }

  TimerQueue timers;
  NullKernel kernel;
  NullInterfaces interfaces;
  InlinePskStore secrets;
  NoCredentials credentials;
  std::vector<Datagram> outbox;
  std::unique_ptr<Engine> engine;
  uint64_t children_up = 0;
  uint64_t failures = 0;
  double cpu = 0;
};

void Pump(Side& a, Side& b, std::vector<Datagram>& scratch) {
  for (bool any = true; any;) {
    any = false;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      if (from->outbox.empty()) continue;
      any = true;
      scratch.swap(from->outbox);
      for (const Datagram& d : scratch) to->Deliver(d);
      scratch.clear();
    }
  }
}

const IpAddress kGateway = IpAddress::V4(0xc0000202);  // 192.0.2.2

config::Connection Common(const std::string& psk) {
  config::Connection c;
  c.auth = config::AuthMethod::kPsk;
  c.remote_auth = config::AuthMethod::kPsk;
  c.psk = config::InlinePsk{SecretBytes(ByteSpan(reinterpret_cast<const uint8_t*>(psk.data()), psk.size()))};
  c.ike_proposals = *config::ParseProposals("aes256gcm16-prfsha256-x25519", ProtocolId::kIke);
  c.esp_proposals = *config::ParseProposals("aes256gcm16", ProtocolId::kEsp);
  c.interface = "ipsec0";
  c.if_id = 1;
  return c;
}

config::Identity Fqdn(const std::string& name) {
  return config::Identity{IdType::kFqdn, Bytes(name.begin(), name.end()), "@" + name};
}

std::shared_ptr<const config::Connection> GatewayConnection() {
  config::Connection c = Common("bench-secret");
  c.name = "gw";
  c.local = config::Host{config::Host::Kind::kAddress, kGateway.ToString(), kGateway};
  c.local_id = Fqdn("gw.example");
  c.local_ts.selectors = {*TrafficSelector::Parse("10.2.0.0/16")};
  c.remote_ts.selectors = {*TrafficSelector::Parse("10.64.0.0/10")};
  return std::make_shared<const config::Connection>(std::move(c));
}

// Client i: outer address 100.64.0.0 + i, inner 10.64.0.0 + i, @client-i.
std::shared_ptr<const config::Connection> ClientConnection(uint32_t i) {
  config::Connection c = Common("bench-secret");
  c.name = "c" + std::to_string(i);
  IpAddress outer = IpAddress::V4(0x64400000u + i);
  c.local = config::Host{config::Host::Kind::kAddress, outer.ToString(), outer};
  c.remote = config::Host{config::Host::Kind::kAddress, kGateway.ToString(), kGateway};
  c.local_id = Fqdn("client-" + std::to_string(i));
  c.remote_id = Fqdn("gw.example");
  c.local_ts.selectors = {TrafficSelector::FromPrefix(Prefix{IpAddress::V4(0x0a400000u + i), 32})};
  c.remote_ts.selectors = {*TrafficSelector::Parse("10.2.0.0/16")};
  return std::make_shared<const config::Connection>(std::move(c));
}

struct RunResult {
  uint32_t n = 0;
  double cpu_total = 0;      // seconds, both engines, getrusage
  double wall = 0;           // seconds
  double cpu_responder = 0;  // seconds inside the responder engine
  double cpu_initiator = 0;  // seconds inside the initiator engine
  int64_t heap_both = 0;     // bytes in use after - before
  int64_t heap_responder = 0;
  int64_t rss_both = 0;
  bool ok = false;
};

class Bench {
 public:
  explicit Bench(uint32_t n) : n_(n) {
    EngineSettings settings;
    responder_ = std::make_unique<Side>(clock_, rng_, settings);
    initiator_ = std::make_unique<Side>(clock_, rng_, settings);
    responder_->engine->SetConnections({GatewayConnection()});
    clients_.reserve(n);
    for (uint32_t i = 0; i < n; ++i) clients_.push_back(ClientConnection(i));
    initiator_->engine->SetConnections(clients_);
    scratch_.reserve(256);
  }

  // Initiates `batch` clients at a time and pumps the wire until quiet.
  void Establish(uint32_t batch) {
    for (uint32_t i = 0; i < n_;) {
      double t0 = ThreadCpuSeconds();
      for (uint32_t end = std::min(n_, i + batch); i < end; ++i) initiator_->engine->Initiate(clients_[i]->name);
      initiator_->cpu += ThreadCpuSeconds() - t0;
      Pump(*initiator_, *responder_, scratch_);
    }
  }

  bool Check() const {
    bool ok = initiator_->children_up == n_ && responder_->children_up == n_ && initiator_->failures == 0 &&
              responder_->failures == 0 && responder_->engine->ike_sa_count() == n_ &&
              responder_->engine->half_open_count() == 0;
    if (!ok) {
      fprintf(stderr, "establishment incomplete: initiator %lu children up, %lu failures; responder %lu up, %lu "
              "failures, %zu IKE_SAs, %zu half-open\n",
              static_cast<unsigned long>(initiator_->children_up), static_cast<unsigned long>(initiator_->failures),
              static_cast<unsigned long>(responder_->children_up), static_cast<unsigned long>(responder_->failures),
              responder_->engine->ike_sa_count(), responder_->engine->half_open_count());
    }
    return ok;
  }

  // Removes the initiator engine and its SAs (its configuration stays).
  void DropInitiator() { initiator_.reset(); }

  double responder_cpu() const { return responder_->cpu; }
  double initiator_cpu() const { return initiator_->cpu; }

 private:
  uint32_t n_;
  SystemClock clock_;
  SystemRng rng_;
  std::vector<std::shared_ptr<const config::Connection>> clients_;
  std::unique_ptr<Side> responder_;
  std::unique_ptr<Side> initiator_;
  std::vector<Datagram> scratch_;
};

RunResult RunOnce(uint32_t n, uint32_t batch) {
  {
    // Warm-up: OpenSSL's lazily fetched algorithms and per-thread contexts,
    // the allocator's arenas.
    Bench warm(64);
    warm.Establish(batch);
  }
  malloc_trim(0);
  RunResult r;
  r.n = n;
  Bench bench(n);
  const int64_t heap0 = HeapBytes(), rss0 = RssBytes();
  const double cpu0 = ProcessCpuSeconds(), wall0 = WallSeconds();
  bench.Establish(batch);
  r.cpu_total = ProcessCpuSeconds() - cpu0;
  r.wall = WallSeconds() - wall0;
  r.heap_both = HeapBytes() - heap0;
  r.rss_both = RssBytes() - rss0;
  r.cpu_responder = bench.responder_cpu();
  r.cpu_initiator = bench.initiator_cpu();
  r.ok = bench.Check();
  bench.DropInitiator();
  r.heap_responder = HeapBytes() - heap0;
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void PrintHeader() {
  printf("%-7s %7s | %9s %9s | %9s %9s | %9s %9s %9s | %9s\n", "run", "N", "CPU/pair", "wall/pair", "resp/SA",
         "init/SA", "heap/pair", "heap/SA", "heap/SA", "RSS/pair");
  printf("%-7s %7s | %9s %9s | %9s %9s | %9s %9s %9s | %9s\n", "", "", "ms", "ms", "ms CPU", "ms CPU", "both B",
         "resp B", "init B", "both B");
}

void PrintRow(const char* label, uint32_t n, const std::vector<double>& v) {
  printf("%-7s %7u | %9.3f %9.3f | %9.3f %9.3f | %9.0f %9.0f %9.0f | %9.0f\n", label, n, v[0], v[1], v[2], v[3], v[4],
         v[5], v[6], v[7]);
}

std::vector<double> Columns(const RunResult& r) {
  const double n = r.n;
  return {1e3 * r.cpu_total / n,
          1e3 * r.wall / n,
          1e3 * r.cpu_responder / n,
          1e3 * r.cpu_initiator / n,
          static_cast<double>(r.heap_both) / n,
          static_cast<double>(r.heap_responder) / n,
          static_cast<double>(r.heap_both - r.heap_responder) / n,
          static_cast<double>(r.rss_both) / n};
}

}  // namespace
}  // namespace ikevpn::ike::bench

int main(int argc, char** argv) {
  using namespace ikevpn::ike::bench;
  uint32_t n = 10000, batch = 32;
  int runs = 3;
  bool log_info = false;
  bool in_process = false;  // no fork: for perf, heaptrack, callgrind
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--n" && i + 1 < argc) {
      n = static_cast<uint32_t>(atoi(argv[++i]));
    } else if (a == "--runs" && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else if (a == "--batch" && i + 1 < argc) {
      batch = static_cast<uint32_t>(atoi(argv[++i]));
    } else if (a == "--log-info") {
      log_info = true;
    } else if (a == "--in-process") {
      in_process = true;
    } else {
      fprintf(stderr, "usage: %s [--n N] [--runs R] [--batch B] [--log-info] [--in-process]\n", argv[0]);
      return 2;
    }
  }
  if (n == 0 || batch == 0 || runs <= 0 || batch > 48) {
    fprintf(stderr, "need n > 0, runs > 0, 0 < batch <= 48 (the responder's cookie threshold is 50)\n");
    return 2;
  }
  if (log_info) {
    ikevpn::Log::SetSink([](ikevpn::Subsys, ikevpn::LogLevel, std::string_view) {});
  } else {
    ikevpn::Log::SetAllLevels(ikevpn::LogLevel::kWarn);
  }
  printf("ike_establish_bench: %u IKE_SA+CHILD_SA pairs, PSK + X25519 + AES-256-GCM, batches of %u, %s\n", n, batch,
         log_info ? "info logging to a null sink" : "logging at warn");
  PrintHeader();
  std::vector<std::vector<double>> rows;
  for (int run = 0; run < runs; ++run) {
    fflush(stdout);
    if (in_process) {
      RunResult r = RunOnce(n, batch);
      if (!r.ok) return 1;
      rows.push_back(Columns(r));
      PrintRow(("#" + std::to_string(run + 1)).c_str(), n, rows.back());
      continue;
    }
    int fds[2];
    if (pipe(fds) != 0) return 1;
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
      close(fds[0]);
      RunResult r = RunOnce(n, batch);
      ssize_t w = write(fds[1], &r, sizeof(r));
      _exit(w == static_cast<ssize_t>(sizeof(r)) && r.ok ? 0 : 1);
    }
    close(fds[1]);
    RunResult r;
    ssize_t got = read(fds[0], &r, sizeof(r));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != static_cast<ssize_t>(sizeof(r)) || !r.ok) {
      fprintf(stderr, "run %d failed\n", run + 1);
      return 1;
    }
    rows.push_back(Columns(r));
    PrintRow(("#" + std::to_string(run + 1)).c_str(), n, rows.back());
  }
  std::vector<double> med;
  for (size_t c = 0; c < rows[0].size(); ++c) {
    std::vector<double> col;
    for (auto& row : rows) col.push_back(row[c]);
    med.push_back(Median(col));
  }
  PrintRow("median", n, med);
  printf("targets: <= 0.400 ms CPU/pair (both sides), <= 3072 B/SA (one side); "
         "strongSwan 6.0.6: 2.25 ms/pair, ~18 KB/SA\n");
  return 0;
}
