// Crypto layer benchmarks: key exchange, IKE SA key derivation, PSK AUTH,
// and per-packet Seal/Open. Compare with `openssl speed` (notes/performance.md).
#include <benchmark/benchmark.h>

#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/crypto/ike_keys.h"
#include "daemon/ike/crypto/key_exchange.h"
#include "daemon/ike/crypto/prf.h"
#include "daemon/ike/crypto/psk_auth.h"

namespace ikevpn::crypto {
namespace {

// One side's work per IKE_SA: a fresh key pair and the shared secret.
void BM_KeyExchange(benchmark::State& state, ike::KeId id) {
  auto peer = KeyExchange::Create(id);
  Bytes peer_value((*peer)->public_value().begin(), (*peer)->public_value().end());
  for (auto _ : state) {
    auto ke = KeyExchange::Create(id);
    auto shared = (*ke)->ComputeShared(peer_value);
    benchmark::DoNotOptimize(shared.ok());
  }
}
BENCHMARK_CAPTURE(BM_KeyExchange, X25519, ike::KeId::kCurve25519);
BENCHMARK_CAPTURE(BM_KeyExchange, P256, ike::KeId::kEcp256);
BENCHMARK_CAPTURE(BM_KeyExchange, MODP2048, ike::KeId::kModp2048);

// The shared-secret half alone: what `openssl speed ecdhx25519` measures.
void BM_X25519DeriveOnly(benchmark::State& state) {
  auto peer = KeyExchange::Create(ike::KeId::kCurve25519);
  auto ke = KeyExchange::Create(ike::KeId::kCurve25519);
  for (auto _ : state) {
    auto shared = (*ke)->ComputeShared((*peer)->public_value());
    benchmark::DoNotOptimize(shared.ok());
  }
}
BENCHMARK(BM_X25519DeriveOnly);

void BM_X25519KeygenOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto ke = KeyExchange::Create(ike::KeId::kCurve25519);
    benchmark::DoNotOptimize(ke.ok());
  }
}
BENCHMARK(BM_X25519KeygenOnly);

// SKEYSEED + prf+ for PRF-HMAC-SHA384 / AES-GCM-256 (the Prf is created per
// SA, as an IKE SA would).
void BM_IkeSaKeyDerivation(benchmark::State& state) {
  const Bytes ni(32, 0x11), nr(32, 0x22), spi_i(8, 0x33), spi_r(8, 0x44);
  const SecretBytes g_ir(Bytes(32, 0x55));
  for (auto _ : state) {
    auto prf = Prf::Create(ike::PrfId::kHmacSha2_384);
    auto sizes = IkeKeySizesFor(*prf, {ike::EncrId::kAesGcm16, 256});
    auto skeyseed = ComputeSkeyseed(*prf, ni, nr, g_ir);
    auto keys = DeriveIkeSaKeys(*prf, *skeyseed, ni, nr, spi_i, spi_r, *sizes);
    benchmark::DoNotOptimize(keys.ok());
  }
}
BENCHMARK(BM_IkeSaKeyDerivation);

// AUTH for one side: prf(prf(PSK, pad), signed octets of ~350 bytes).
void BM_PskAuth(benchmark::State& state) {
  auto prf = Prf::Create(ike::PrfId::kHmacSha2_256);
  const Bytes psk(24, 0x61);
  const Bytes octets(350, 0x62);
  for (auto _ : state) {
    auto auth = PskAuth(*prf, psk, octets);
    benchmark::DoNotOptimize(auth.ok());
  }
}
BENCHMARK(BM_PskAuth);

constexpr size_t kPacket = 1400;

// CBC needs whole blocks: 1400 rounds up to 1408.
size_t PacketSize(const Cipher& c) { return (kPacket + c.block_size() - 1) / c.block_size() * c.block_size(); }

std::unique_ptr<Cipher> BenchCipher(const CipherSpec& spec) {
  SecretBytes encr(Bytes(*Cipher::EncrKeySize(spec), 0x71));
  SecretBytes integ(Bytes(*Cipher::IntegKeySize(spec.integ), 0x72));
  return std::move(Cipher::Create(spec, encr, integ)).value();
}

void BM_Seal(benchmark::State& state, CipherSpec spec) {
  auto cipher = BenchCipher(spec);
  const Bytes aad(8, 1);
  Bytes iv(cipher->iv_size(), 2);
  Bytes data(PacketSize(*cipher), 3);
  Bytes icv(cipher->icv_size());
  for (auto _ : state) {
    iv[0]++;
    if (!cipher->Seal(aad, iv, data, icv).ok()) state.SkipWithError("Seal failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void BM_Open(benchmark::State& state, CipherSpec spec) {
  auto sender = BenchCipher(spec);
  auto receiver = BenchCipher(spec);
  const Bytes aad(8, 1);
  const Bytes iv(sender->iv_size(), 2);
  Bytes sealed(PacketSize(*sender), 3);
  Bytes icv(sender->icv_size());
  if (!sender->Seal(aad, iv, sealed, icv).ok()) state.SkipWithError("Seal failed");
  Bytes data(sealed.size());
  for (auto _ : state) {
    // Open works in place; restore the ciphertext (a 1400-byte memcpy, part
    // of what a datapath does anyway when it copies a packet).
    data = sealed;
    if (!receiver->Open(aad, iv, data, icv).ok()) state.SkipWithError("Open failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

const CipherSpec kGcm{ike::EncrId::kAesGcm16, 256};
const CipherSpec kChaCha{ike::EncrId::kChaCha20Poly1305, 256};
const CipherSpec kCbc{ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_256_128};
BENCHMARK_CAPTURE(BM_Seal, AES256GCM_1400, kGcm);
BENCHMARK_CAPTURE(BM_Open, AES256GCM_1400, kGcm);
BENCHMARK_CAPTURE(BM_Seal, ChaCha20Poly1305_1400, kChaCha);
BENCHMARK_CAPTURE(BM_Open, ChaCha20Poly1305_1400, kChaCha);
BENCHMARK_CAPTURE(BM_Seal, AES256CBC_HMACSHA256_1400, kCbc);
BENCHMARK_CAPTURE(BM_Open, AES256CBC_HMACSHA256_1400, kCbc);

}  // namespace
}  // namespace ikevpn::crypto

BENCHMARK_MAIN();
