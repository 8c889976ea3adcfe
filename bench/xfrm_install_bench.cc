// xfrm_install_bench [N]: installs N CHILD_SAs through the xfrm backend
// (XfrmIpsec, the daemon's own code path) and reports how the kernel copes:
// time per CHILD_SA (as it grows), kernel memory, dump and flush times.
//
// A CHILD_SA here is what ikevpnd installs for a road-warrior client on a
// gateway: an inbound and an outbound ESP SA (AES-GCM-16/256, tunnel mode,
// ESN, replay window 1024) and the in/out/fwd policies between the
// gateway's 10.0.0.0/16 and the client's /32, all on one interface (if_id
// 0x10000). Needs root and a kernel with ESP (run inside the test VM:
// bench/xfrm_vm.sh). Prints plain "key: value" lines.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "daemon/base/if_id.h"
#include "daemon/kernel/xfrm/xfrm_ipsec.h"

namespace ikevpn::kernel::xfrm {
namespace {

double NowMs() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// kB of a /proc/meminfo line ("Slab", "MemAvailable").
long MemInfoKb(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string name;
  long kb = 0;
  std::string unit;
  while (in >> name >> kb) {
    std::getline(in, unit);
    if (name == key + ":") return kb;
  }
  return -1;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

Status InstallChild(XfrmIpsec& x, uint32_t i, const IpAddress& gw, const IpAddress& client) {
  const uint32_t if_id = kOwnedIfIds.first;
  SaData data;
  data.reqid = i + 1;
  data.encr = ike::EncrId::kAesGcm16;
  data.encr_key_bits = 256;
  data.encr_key = SecretBytes(36);  // key + salt
  for (size_t k = 0; k < data.encr_key.size(); ++k) data.encr_key.data()[k] = uint8_t(i * 7 + k);
  data.esn = true;
  data.hard.seconds = 3600;
  data.soft.seconds = 3000;
  SaData in = data;
  in.inbound = true;
  const uint32_t spi = 0x10000000 + 2 * i;
  IKEVPN_RETURN_IF_ERROR(x.AddSa({client, gw, spi, ike::ProtocolId::kEsp, if_id}, in));
  IKEVPN_RETURN_IF_ERROR(x.AddSa({gw, client, spi + 1, ike::ProtocolId::kEsp, if_id}, data));

  const TrafficSelector local = *TrafficSelector::Parse("10.0.0.0/16");
  const TrafficSelector remote =
      TrafficSelector::FromPrefix(Prefix{IpAddress::V4(0x0a800000 + i), 32});
  PolicyData pd;
  pd.reqid = i + 1;
  pd.priority = 1000;
  pd.tmpl_src = gw;
  pd.tmpl_dst = client;
  IKEVPN_RETURN_IF_ERROR(x.AddPolicy({local, remote, PolicyDir::kOut, if_id}, pd));
  pd.tmpl_src = client;
  pd.tmpl_dst = gw;
  IKEVPN_RETURN_IF_ERROR(x.AddPolicy({remote, local, PolicyDir::kIn, if_id}, pd));
  return x.AddPolicy({remote, local, PolicyDir::kFwd, if_id}, pd);
}

int Run(uint32_t n) {
  auto created = XfrmIpsec::Create(nullptr);
  if (!created.ok()) {
    std::fprintf(stderr, "xfrm: %s\n", created.status().ToString().c_str());
    return 1;
  }
  XfrmIpsec& x = **created;
  (void)x.FlushOwned();
  const IpAddress gw = *IpAddress::Parse("192.0.2.1");
  const long slab0 = MemInfoKb("Slab"), avail0 = MemInfoKb("MemAvailable");

  std::vector<double> per_child;
  per_child.reserve(n);
  const double t0 = NowMs();
  for (uint32_t i = 0; i < n; ++i) {
    // Every client behind its own address, as road warriors are.
    const IpAddress client = IpAddress::V4(0xc6330000 + i + 1);  // 198.51.0.0/16
    const double a = NowMs();
    if (Status s = InstallChild(x, i, gw, client); !s.ok()) {
      std::fprintf(stderr, "CHILD_SA %u: %s\n", i, s.ToString().c_str());
      return 1;
    }
    per_child.push_back(NowMs() - a);
    if ((i + 1) % 1000 == 0) {
      double sum = 0;
      for (uint32_t k = i + 1 - 1000; k <= i; ++k) sum += per_child[k];
      std::printf("installed %u: %.3f ms per CHILD_SA over the last 1000\n", i + 1, sum / 1000);
      std::fflush(stdout);
    }
  }
  const double install_ms = NowMs() - t0;
  const long slab1 = MemInfoKb("Slab"), avail1 = MemInfoKb("MemAvailable");

  const double d0 = NowMs();
  auto sas = x.DumpSas();
  const double d1 = NowMs();
  auto policies = x.DumpPolicies();
  const double d2 = NowMs();
  if (!sas.ok() || !policies.ok()) {
    std::fprintf(stderr, "dump failed\n");
    return 1;
  }
  const double f0 = NowMs();
  Status flushed = x.FlushOwned();
  const double flush_ms = NowMs() - f0;

  auto slice_ms = [&](size_t from) {
    size_t to = std::min(per_child.size(), from + 1000);
    double sum = 0;
    for (size_t k = from; k < to; ++k) sum += per_child[k];
    return to > from ? sum / double(to - from) : 0;
  };
  std::printf("child_sas: %u (2 SAs + 3 policies each)\n", n);
  std::printf("install_total_s: %.2f\n", install_ms / 1e3);
  std::printf("install_rate_child_sas_per_s: %.0f\n", n / (install_ms / 1e3));
  std::printf("per_child_sa_ms_median: %.3f\n", Percentile(per_child, 0.5));
  std::printf("per_child_sa_ms_p99: %.3f\n", Percentile(per_child, 0.99));
  std::printf("per_child_sa_ms_first_1000: %.3f\n", slice_ms(0));
  std::printf("per_child_sa_ms_last_1000: %.3f\n", slice_ms(n > 1000 ? n - 1000 : 0));
  std::printf("kernel_slab_kb_per_child_sa: %.1f\n", double(slab1 - slab0) / n);
  std::printf("mem_available_drop_kb_per_child_sa: %.1f\n", double(avail0 - avail1) / n);
  std::printf("mem_available_drop_mb: %.1f\n", (avail0 - avail1) / 1024.0);
  std::printf("dump_sas: %zu in %.0f ms\n", sas->size(), d1 - d0);
  std::printf("dump_policies: %zu in %.0f ms\n", policies->size(), d2 - d1);
  std::printf("flush_s: %.2f (%s)\n", flush_ms / 1e3, flushed.ok() ? "ok" : flushed.ToString().c_str());
  return flushed.ok() && sas->size() >= 2 * n && policies->size() >= 3 * n ? 0 : 1;
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 10000;
  if (n <= 0 || n > 65000) {
    std::fprintf(stderr, "usage: xfrm_install_bench [N <= 65000]\n");
    return 2;
  }
  return ikevpn::kernel::xfrm::Run(static_cast<uint32_t>(n));
}
