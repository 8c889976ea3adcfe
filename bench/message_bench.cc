// IKEv2 message codec throughput: a typical IKE_SA_INIT (plaintext, two
// proposals, x25519 KE, four notifies) and IKE_AUTH (PSK, one CHILD_SA,
// SK-protected with AES-GCM-16-256 or AES-CBC-128 + HMAC-SHA2-256-128), and
// a 3 KB IKE_AUTH split into 1280-byte fragments and reassembled. Run: build/bench/message_bench (or --benchmark_format=json).
#include <benchmark/benchmark.h>

#include "daemon/base/rng.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/message/fragmentation.h"
#include "daemon/ike/message/message.h"
#include "daemon/ike/message/payload_rules.h"
#include "tests/unit/message/sample_messages.h"

namespace ikevpn::ike {
namespace {

using testing::SampleHeader;

std::unique_ptr<crypto::Cipher> MakeCipher(bool gcm) {
  crypto::CipherSpec spec = gcm ? crypto::CipherSpec{EncrId::kAesGcm16, 256, IntegId::kNone}
                                : crypto::CipherSpec{EncrId::kAesCbc, 128, IntegId::kHmacSha2_256_128};
  size_t encr = *crypto::Cipher::EncrKeySize(spec);
  size_t integ = *crypto::Cipher::IntegKeySize(spec.integ);
  return std::move(crypto::Cipher::Create(spec, SecretBytes(testing::Filled(encr, 1)),
                                          SecretBytes(testing::Filled(integ, 2))))
      .value();
}

void BM_EncodeIkeSaInit(benchmark::State& state) {
  Payloads payloads = testing::SampleIkeSaInitPayloads();
  IkeHeader h = SampleHeader(ExchangeType::kIkeSaInit, 0);
  size_t bytes = 0;
  for (auto _ : state) {
    auto wire = EncodeMessage(h, payloads);
    bytes = wire->size();
    benchmark::DoNotOptimize(wire);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeIkeSaInit);

void BM_DecodeIkeSaInit(benchmark::State& state) {
  Bytes wire = *EncodeMessage(SampleHeader(ExchangeType::kIkeSaInit, 0),
                              testing::SampleIkeSaInitPayloads());
  for (auto _ : state) {
    auto h = ParseHeader(wire);
    auto m = DecodeMessage(wire, nullptr);
    auto rules = CheckPayloadRules(*m);
    benchmark::DoNotOptimize(h);
    benchmark::DoNotOptimize(rules);
  }
  state.counters["bytes"] = static_cast<double>(wire.size());
}
BENCHMARK(BM_DecodeIkeSaInit);

// Build the payloads each time, as the engine would.
void BM_BuildAndEncodeIkeSaInit(benchmark::State& state) {
  IkeHeader h = SampleHeader(ExchangeType::kIkeSaInit, 0);
  for (auto _ : state) {
    auto wire = EncodeMessage(h, testing::SampleIkeSaInitPayloads());
    benchmark::DoNotOptimize(wire);
  }
}
BENCHMARK(BM_BuildAndEncodeIkeSaInit);

void BM_EncodeEncryptIkeAuth(benchmark::State& state) {
  auto cipher = MakeCipher(state.range(0) == 0);
  DeterministicRng rng(1);
  Payloads payloads = testing::SampleIkeAuthPayloads();
  IkeHeader h = SampleHeader(ExchangeType::kIkeAuth, 1);
  size_t bytes = 0;
  for (auto _ : state) {
    auto wire = EncodeProtectedMessage(h, payloads, *cipher, rng);
    bytes = wire->size();
    benchmark::DoNotOptimize(wire);
  }
  state.SetLabel(state.range(0) == 0 ? "aes256gcm16" : "aes128cbc-sha256");
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeEncryptIkeAuth)->Arg(0)->Arg(1);

void BM_DecryptDecodeIkeAuth(benchmark::State& state) {
  auto out = MakeCipher(state.range(0) == 0);
  auto in = MakeCipher(state.range(0) == 0);
  DeterministicRng rng(1);
  Bytes wire = *EncodeProtectedMessage(SampleHeader(ExchangeType::kIkeAuth, 1),
                                       testing::SampleIkeAuthPayloads(), *out, rng);
  for (auto _ : state) {
    auto h = ParseHeader(wire);
    auto m = DecodeMessage(wire, in.get());
    auto rules = CheckPayloadRules(*m);
    benchmark::DoNotOptimize(h);
    benchmark::DoNotOptimize(rules);
  }
  state.SetLabel(state.range(0) == 0 ? "aes256gcm16" : "aes128cbc-sha256");
  state.counters["bytes"] = static_cast<double>(wire.size());
}
BENCHMARK(BM_DecryptDecodeIkeAuth)->Arg(0)->Arg(1);

// A 3 KB IKE_AUTH (certificate) in 1280-byte fragments, and back.
Payloads BigAuth() {
  Payloads p = testing::SampleIkeAuthPayloads();
  p.insert(p.begin() + 1, CertPayload{CertEncoding::kX509Signature, testing::Filled(3000, 1)});
  return p;
}

void BM_FragmentAndReassembleIkeAuth(benchmark::State& state) {
  auto out = MakeCipher(true);
  auto in = MakeCipher(true);
  DeterministicRng rng(1);
  IkeHeader h = SampleHeader(ExchangeType::kIkeAuth, 1);
  Payloads payloads = BigAuth();
  size_t fragments = 0;
  for (auto _ : state) {
    auto chain = EncodePayloadChain(payloads);
    auto frags = SealFragments(h, *chain, *out, rng, 1280);
    fragments = frags->size();
    FragmentReassembler reassembler;
    for (const Bytes& f : *frags) {
      auto r = reassembler.Add(std::move(DecodeMessage(f, in.get())).value());
      benchmark::DoNotOptimize(r);
    }
  }
  state.counters["fragments"] = static_cast<double>(fragments);
}
BENCHMARK(BM_FragmentAndReassembleIkeAuth);

}  // namespace
}  // namespace ikevpn::ike

BENCHMARK_MAIN();
