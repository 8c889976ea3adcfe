// Randomness that tests can fix.
//
// SystemRng reads the kernel CSPRNG (getrandom). DeterministicRng produces a
// fixed stream from a seed so that nonces, SPIs and key-exchange private
// values (where the crypto layer accepts them) repeat across test runs.
#pragma once

#include <cstdint>
#include <span>

namespace ikevpn {

class Rng {
 public:
  virtual ~Rng() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;

  uint32_t U32();
  uint64_t U64();
  // Uniform in [0, bound). Precondition: bound > 0.
  uint32_t Uniform(uint32_t bound);
};

class SystemRng final : public Rng {
 public:
  void Fill(std::span<uint8_t> out) override;
};

// Not cryptographic: a splitmix64 stream, for tests and benchmarks only.
class DeterministicRng final : public Rng {
 public:
  explicit DeterministicRng(uint64_t seed) : state_(seed) {}
  void Fill(std::span<uint8_t> out) override;

 private:
  uint64_t state_;
};

}  // namespace ikevpn
