// A deterministic stand-in for crypto::Cipher, for codec tests, the fuzz
// target and the benchmark: "encryption" XORs a keystream derived from the
// key byte and IV; the ICV is an FNV-1a hash of aad || iv || ciphertext.
// Not cryptography. With `verify = false` Open accepts any ICV, so a fuzzer
// reaches the padding and inner-chain code behind the integrity check.
#pragma once

#include <algorithm>
#include <cstdint>

#include "daemon/ike/crypto/cipher.h"

namespace ikevpn::ike::testing {

class FakeCipher final : public crypto::Cipher {
 public:
  struct Shape {
    size_t iv = 8;
    size_t block = 1;
    size_t icv = 16;
  };
  static constexpr Shape kAeadShape{8, 1, 16};
  static constexpr Shape kCbcShape{16, 16, 16};

  explicit FakeCipher(uint8_t key, Shape shape = kAeadShape, bool verify = true)
      : key_(key), shape_(shape), verify_(verify) {}

  bool aead() const override { return shape_.block == 1; }
  size_t iv_size() const override { return shape_.iv; }
  size_t block_size() const override { return shape_.block; }
  size_t icv_size() const override { return shape_.icv; }

  Status Seal(ByteSpan aad, ByteSpan iv, MutableByteSpan data, MutableByteSpan icv,
              ByteSpan /*aad_tail*/) override {
    if (iv.size() != shape_.iv || icv.size() != shape_.icv || data.size() % shape_.block != 0)
      return Status(Code::kInternal, "FakeCipher: precondition");
    Crypt(iv, data);
    Icv(aad, iv, data, icv);
    return Status::Ok();
  }

  Status Open(ByteSpan aad, ByteSpan iv, MutableByteSpan data, ByteSpan icv,
              ByteSpan /*aad_tail*/) override {
    if (iv.size() != shape_.iv || icv.size() != shape_.icv || data.size() % shape_.block != 0)
      return Status(Code::kInternal, "FakeCipher: precondition");
    uint8_t expected[64] = {};
    Icv(aad, iv, data, MutableByteSpan(expected, shape_.icv));
    if (verify_ && !std::equal(icv.begin(), icv.end(), expected))
      return Status(Code::kAuthFailed, "FakeCipher: ICV mismatch");
    Crypt(iv, data);
    return Status::Ok();
  }

 private:
  void Crypt(ByteSpan iv, MutableByteSpan data) const {
    for (size_t i = 0; i < data.size(); ++i)
      data[i] ^= static_cast<uint8_t>(key_ + i * 31 + (iv.empty() ? 0 : iv[i % iv.size()]));
  }
  void Icv(ByteSpan aad, ByteSpan iv, ByteSpan data, MutableByteSpan out) const {
    uint64_t h = 0xcbf29ce484222325ull ^ key_;
    auto mix = [&h](ByteSpan s) {
      for (uint8_t b : s) h = (h ^ b) * 0x100000001b3ull;
    };
    mix(aad);
    mix(iv);
    mix(data);
    for (size_t i = 0; i < out.size(); ++i) {
      h = (h ^ i) * 0x100000001b3ull;
      out[i] = static_cast<uint8_t>(h >> 56);
    }
  }

  uint8_t key_;
  Shape shape_;
  bool verify_;
};

}  // namespace ikevpn::ike::testing
