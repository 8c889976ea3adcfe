#include "daemon/base/rng.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace ikevpn {

uint32_t Rng::U32() {
  uint8_t b[4];
  Fill(b);
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
}

uint64_t Rng::U64() { return uint64_t{U32()} << 32 | U32(); }

uint32_t Rng::Uniform(uint32_t bound) {
  // Rejection sampling avoids modulo bias.
  uint32_t limit = UINT32_MAX - UINT32_MAX % bound;
  uint32_t v;
  do {
    v = U32();
  } while (v >= limit);
  return v % bound;
}

void SystemRng::Fill(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      abort();  // no entropy source is not a state we can run in
    }
    done += static_cast<size_t>(n);
  }
}

void DeterministicRng::Fill(std::span<uint8_t> out) {
  for (size_t i = 0; i < out.size(); i += 8) {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (size_t j = 0; j < 8 && i + j < out.size(); ++j) out[i + j] = static_cast<uint8_t>(z >> (8 * j));
  }
}

}  // namespace ikevpn
