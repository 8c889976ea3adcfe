// esp_tunnel_peer: one end of a hand-keyed userspace ESP tunnel, for the
// integration test and the throughput benchmark (bench/esp_throughput.sh).
//
//   esp_tunnel_peer --role a|b --local 10.251.0.1 --remote 10.251.0.2
//                   [--tun ipsec0] [--alg aes256gcm16] [--batch 64] [--offload 1]
//
// --offload 1 (default): TUN with IFF_VNET_HDR (TSO/GRO), UDP GSO and GRO;
// --offload 0: one packet per TUN read/write and per datagram.
//
// Creates the TUN device, binds UDP port 4500 on --local, installs the SA
// pair with fixed keys (role a sends with SPI 0xa001, b with 0xb001) and
// runs until SIGINT/SIGTERM, then prints the datapath counters. Inner
// addresses: a = 10.251.0.65 / fd00:251::1, b = 10.251.0.66 / fd00:251::2.
#include <arpa/inet.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "daemon/base/event_loop.h"
#include "daemon/base/rng.h"
#include "daemon/kernel/userspace/tun_io.h"
#include "daemon/kernel/userspace/userspace_ipsec.h"

namespace ikevpn::kernel::userspace {
namespace {

struct Alg {
  ike::EncrId encr;
  uint16_t bits;
  ike::IntegId integ;
};

const std::map<std::string, Alg>& Algorithms() {
  static const std::map<std::string, Alg> algs = {
      {"aes128gcm16", {ike::EncrId::kAesGcm16, 128, ike::IntegId::kNone}},
      {"aes256gcm16", {ike::EncrId::kAesGcm16, 256, ike::IntegId::kNone}},
      {"chacha20poly1305", {ike::EncrId::kChaCha20Poly1305, 256, ike::IntegId::kNone}},
      {"aes128cbc-sha256", {ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha2_256_128}},
      {"aes256cbc-sha256", {ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_256_128}},
  };
  return algs;
}

// Fixed test keys: the same on both ends for one SPI. Never use in production.
SecretBytes TestKey(size_t n, uint32_t spi) {
  SecretBytes k(n);
  for (size_t i = 0; i < n; ++i) k.data()[i] = static_cast<uint8_t>(spi * 13 + i * 7);
  return k;
}

SaData MakeSa(const Alg& alg, uint32_t spi, bool inbound, const TrafficSelectors& local,
              const TrafficSelectors& remote) {
  SaData d;
  d.inbound = inbound;
  d.encr = alg.encr;
  d.encr_key_bits = alg.bits;
  d.integ = alg.integ;
  crypto::CipherSpec spec{alg.encr, alg.bits, alg.integ};
  d.encr_key = TestKey(*crypto::Cipher::EncrKeySize(spec), spi);
  if (alg.integ != ike::IntegId::kNone) {
    d.integ_key = TestKey(*crypto::Cipher::IntegKeySize(alg.integ), spi + 1);
  }
  d.encap = UdpEncap{};
  d.local_ts = local;
  d.remote_ts = remote;
  return d;
}

int BindNatT(const IpAddress& local) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int one = 1, buf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
  sockaddr_storage ss;
  socklen_t len = Endpoint{local, ike::kNatTPort}.ToSockaddr(&ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) {
    perror("bind 4500");
    return -1;
  }
  return fd;
}

int Run(std::map<std::string, std::string> args) {
  bool a = args["role"] == "a";
  auto local = IpAddress::Parse(args["local"]);
  auto remote = IpAddress::Parse(args["remote"]);
  auto alg = Algorithms().find(args.count("alg") ? args["alg"] : "aes256gcm16");
  if (!local || !remote || alg == Algorithms().end() || (!a && args["role"] != "b")) {
    fprintf(stderr, "usage: esp_tunnel_peer --role a|b --local IP --remote IP [--tun NAME] "
                    "[--alg aes256gcm16|aes128gcm16|chacha20poly1305|aes128cbc-sha256|"
                    "aes256cbc-sha256] [--batch N] [--offload 0|1]\n");
    return 2;
  }
  SystemClock clock;
  EventLoop loop(clock);
  if (!loop.Init().ok()) return 1;
  SystemRng rng;
  UserspaceOptions options;
  if (args.count("batch")) options.datapath.batch = std::stoul(args["batch"]);
  bool offload = !args.count("offload") || args["offload"] != "0";
  options.datapath.udp_gso = options.datapath.udp_gro = offload;
  UserspaceIpsec ipsec(loop, rng, options);

  auto tun = OpenTun(args.count("tun") ? args["tun"] : "ipsec0", offload);
  int sock = BindNatT(*local);
  if (!tun.ok() || sock < 0) {
    fprintf(stderr, "setup failed: %s\n", tun.status().ToString().c_str());
    return 1;
  }
  Status st = ipsec.AttachIkeSocket(sock, ike::kNatTPort, [](ByteSpan m, auto& from, auto&) {
    printf("IKE datagram of %zu bytes from %s\n", m.size(), from.ToString().c_str());
  });
  if (st.ok()) st = ipsec.AttachTun(1, *tun);

  TrafficSelectors ts_a = {*TrafficSelector::Parse("10.251.0.65/32"),
                           *TrafficSelector::Parse("fd00:251::1/128")};
  TrafficSelectors ts_b = {*TrafficSelector::Parse("10.251.0.66/32"),
                           *TrafficSelector::Parse("fd00:251::2/128")};
  const TrafficSelectors& mine = a ? ts_a : ts_b;
  const TrafficSelectors& theirs = a ? ts_b : ts_a;
  uint32_t out_spi = a ? 0xa001 : 0xb001, in_spi = a ? 0xb001 : 0xa001;
  SaId out{*local, *remote, out_spi, ike::ProtocolId::kEsp, 1};
  SaId in{*remote, *local, in_spi, ike::ProtocolId::kEsp, 1};
  if (st.ok()) st = ipsec.AddSa(out, MakeSa(alg->second, out_spi, false, mine, theirs));
  if (st.ok()) st = ipsec.AddSa(in, MakeSa(alg->second, in_spi, true, mine, theirs));
  if (!st.ok()) {
    fprintf(stderr, "setup failed: %s\n", st.ToString().c_str());
    return 1;
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  (void)loop.AddFd(sfd, EPOLLIN, [&](uint32_t) { loop.Stop(); });
  printf("ready\n");
  fflush(stdout);
  (void)loop.Run();

  const DatapathCounters& c = ipsec.counters();
  auto so = ipsec.QuerySa(out);
  auto si = ipsec.QuerySa(in);
  printf("tx_packets %lu rx_packets %lu out_sa_packets %lu in_sa_packets %lu replay_drops %lu "
         "auth_failures %lu send_dropped %lu keepalives_rx %lu\n",
         c.tx_packets.load(), c.rx_packets.load(), so->packets, si->packets, si->replay_drops,
         si->auth_failures, c.send_dropped.load(), c.keepalives_rx.load());
  for (size_t e = 1; e < static_cast<size_t>(EspError::kCount); ++e) {
    if (uint64_t n = c.drops[e].load()) {
      printf("drop %s %lu\n", std::string(ToString(static_cast<EspError>(e))).c_str(), n);
    }
  }
  ipsec.DetachIkeSocket(sock);
  (void)ipsec.DetachTun(1);
  close(sock);
  close(*tun);
  return 0;
}

}  // namespace
}  // namespace ikevpn::kernel::userspace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strncmp(argv[i], "--", 2) == 0) args[argv[i] + 2] = argv[i + 1];
  }
  return ikevpn::kernel::userspace::Run(args);
}
