// In-process ESP cost: one 1400-byte inner packet encapsulated by one
// EspEngine and decapsulated by another (SA lookup, sequence number,
// replay window, selectors, counters included), per transform.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "daemon/base/rng.h"
#include "daemon/base/timers.h"
#include "daemon/kernel/userspace/esp_engine.h"
#include "daemon/kernel/userspace/sa_table.h"

namespace ikevpn::kernel::userspace {
namespace {

class NullSink final : public SaEventSink {
 public:
  void OnLimit(uint64_t, ExpireKind) override {}
  void OnMapping(uint64_t, const Endpoint&) override {}
};

struct Side {
  FakeClock clock;
  TimerQueue timers{clock};
  DeterministicRng rng{1};
  SaTable table{timers, rng};
  DatapathCounters counters;
  NullSink sink;
  SystemRng iv_rng;
  EspEngine engine{sink, counters, iv_rng};
};

SaData Data(ike::EncrId encr, uint16_t bits, ike::IntegId integ, bool inbound) {
  SaData d;
  d.inbound = inbound;
  d.encr = encr;
  d.encr_key_bits = bits;
  d.integ = integ;
  crypto::CipherSpec spec{encr, bits, integ};
  d.encr_key = SecretBytes(*crypto::Cipher::EncrKeySize(spec));
  if (integ != ike::IntegId::kNone) d.integ_key = SecretBytes(*crypto::Cipher::IntegKeySize(integ));
  d.encap = UdpEncap{};
  d.local_ts = {*TrafficSelector::Parse(inbound ? "10.2.0.0/16" : "10.1.0.0/16")};
  d.remote_ts = {*TrafficSelector::Parse(inbound ? "10.1.0.0/16" : "10.2.0.0/16")};
  return d;
}

void BM_EspRoundTrip(benchmark::State& state, ike::EncrId encr, uint16_t bits,
                     ike::IntegId integ) {
  Side a, b;
  SaId id{*IpAddress::Parse("192.0.2.1"), *IpAddress::Parse("192.0.2.2"), 0x1001,
          ike::ProtocolId::kEsp, 1};
  if (!a.table.Add(id, Data(encr, bits, integ, false)).ok() ||
      !b.table.Add(id, Data(encr, bits, integ, true)).ok()) {
    state.SkipWithError("AddSa failed");
    return;
  }
  // A 1400-byte IPv4/UDP packet from 10.1.0.1 to 10.2.0.1.
  std::vector<uint8_t> inner(1400, 0xab);
  inner[0] = 0x45;
  StoreBe16(&inner[2], 1400);
  inner[9] = 17;
  uint8_t src[4] = {10, 1, 0, 1}, dst[4] = {10, 2, 0, 1};
  std::copy(src, src + 4, &inner[12]);
  std::copy(dst, dst + 4, &inner[16]);
  std::vector<uint8_t> slot(2048);
  Endpoint from{id.src, 4500}, peer;
  for (auto _ : state) {
    PacketBuffer pkt;
    pkt.Reset(slot.data(), slot.size());
    std::copy(inner.begin(), inner.end(), pkt.data());
    pkt.length = inner.size();
    uint32_t if_id;
    if (a.engine.Encapsulate(a.table.index(), 1, 0, pkt, &peer) != EspError::kOk ||
        b.engine.Decapsulate(b.table.index(), from, 0, pkt, &if_id) != EspError::kOk) {
      state.SkipWithError("ESP round trip failed");
      return;
    }
    benchmark::DoNotOptimize(pkt.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 1400);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_EspRoundTrip, aes128gcm16, ike::EncrId::kAesGcm16, 128, ike::IntegId::kNone);
BENCHMARK_CAPTURE(BM_EspRoundTrip, aes256gcm16, ike::EncrId::kAesGcm16, 256, ike::IntegId::kNone);
BENCHMARK_CAPTURE(BM_EspRoundTrip, chacha20poly1305, ike::EncrId::kChaCha20Poly1305, 256,
                  ike::IntegId::kNone);
BENCHMARK_CAPTURE(BM_EspRoundTrip, aes128cbc_sha256, ike::EncrId::kAesCbc, 128,
                  ike::IntegId::kHmacSha2_256_128);
BENCHMARK_CAPTURE(BM_EspRoundTrip, aes256cbc_sha512, ike::EncrId::kAesCbc, 256,
                  ike::IntegId::kHmacSha2_512_256);

}  // namespace
}  // namespace ikevpn::kernel::userspace

BENCHMARK_MAIN();
