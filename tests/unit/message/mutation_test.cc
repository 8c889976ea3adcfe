// Mutation tests: valid messages with bits flipped, bytes truncated,
// appended or overwritten, and length fields set to edge values — tens of
// thousands of deterministic variants. Each must decode cleanly or fail with
// a DecodeError; whatever decodes must survive encode -> decode unchanged.
#include <gtest/gtest.h>

#include <functional>

#include "daemon/base/rng.h"
#include "daemon/ike/message/fragmentation.h"
#include "daemon/ike/message/payload_rules.h"
#include "tests/unit/message/fake_cipher.h"
#include "tests/unit/message/sample_messages.h"
#include "tests/unit/message/test_util.h"

namespace ikevpn::ike {
namespace {

using testing::FakeCipher;

struct Stats {
  size_t variants = 0;
  size_t decoded = 0;
  std::map<DecodeError, size_t> errors;
};

bool HasEmptySa(const Message& m) {
  for (const SaPayload* sa : m.All<SaPayload>())
    if (sa->proposals.empty()) return true;
  return false;
}

// Decodes one variant and checks the properties above.
void Check(const Bytes& wire, crypto::Cipher* cipher, FragmentReassembler& reassembler,
           Stats& stats) {
  ++stats.variants;
  (void)ParseHeader(wire);
  auto m = DecodeMessage(wire, cipher);
  if (!m.ok()) {
    ++stats.errors[m.error()];
    ASSERT_FALSE(m.failure().ToString().empty());
    return;
  }
  ++stats.decoded;
  (void)CheckPayloadRules(*m);
  (void)m->Summary();
  if (m->fragment) {
    auto r = reassembler.Add(*m);
    if (!r.ok()) ++stats.errors[r.error()];
    return;
  }
  auto again = EncodeMessage(m->header, m->payloads);
  if (!again.ok()) {
    // Decoding drops unacceptable proposals; an SA left empty cannot be sent.
    ASSERT_TRUE(HasEmptySa(*m)) << again.status().ToString();
    return;
  }
  auto back = DecodeMessage(*again, nullptr);
  ASSERT_TRUE(back.ok()) << back.failure().ToString();
  ASSERT_EQ(back->payloads, m->payloads);
}

void SetLength(Bytes& wire) {
  if (wire.size() >= kIkeHeaderSize) StoreBe32(wire.data() + 24, static_cast<uint32_t>(wire.size()));
}

// Every mutation family over one message; `fix_length` variants also patch
// the header's Length so the decoder goes past phase one.
Stats Mutate(const Bytes& valid, crypto::Cipher* cipher) {
  Stats stats;
  FragmentReassembler reassembler;
  auto run = [&](Bytes w) { Check(w, cipher, reassembler, stats); };
  run(valid);
  for (size_t i = 0; i < valid.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes w = valid;
      w[i] ^= static_cast<uint8_t>(1 << bit);
      run(w);
    }
  }
  for (size_t n = 0; n < valid.size(); ++n) {
    Bytes w(valid.begin(), valid.begin() + static_cast<ptrdiff_t>(n));
    run(w);
    SetLength(w);
    run(w);
  }
  for (size_t extra : {1, 2, 3, 4, 7, 8, 16, 100}) {
    Bytes w = valid;
    w.resize(valid.size() + extra, 0x29);
    run(w);
    SetLength(w);
    run(w);
  }
  // 16-bit fields (payload lengths, counts, types) at every offset.
  for (size_t i = kIkeHeaderSize; i + 1 < valid.size(); ++i) {
    uint16_t orig = LoadBe16(valid.data() + i);
    for (uint16_t v : {uint16_t{0}, uint16_t{1}, uint16_t{3}, uint16_t{4}, uint16_t{0xffff},
                       static_cast<uint16_t>(orig + 1), static_cast<uint16_t>(orig - 1)}) {
      Bytes w = valid;
      StoreBe16(w.data() + i, v);
      run(w);
    }
  }
  // Random multi-byte damage, length fixed up.
  DeterministicRng rng(valid.size());
  for (int k = 0; k < 2000; ++k) {
    Bytes w = valid;
    int edits = 1 + static_cast<int>(rng.Uniform(4));
    for (int e = 0; e < edits; ++e) {
      uint32_t what = rng.Uniform(3);
      size_t at = kIkeHeaderSize + rng.Uniform(static_cast<uint32_t>(w.size() - kIkeHeaderSize));
      if (what == 0) {
        w[at] = static_cast<uint8_t>(rng.U32());
      } else if (what == 1) {
        w.erase(w.begin() + static_cast<ptrdiff_t>(at),
                w.begin() + static_cast<ptrdiff_t>(std::min(w.size(), at + 1 + rng.Uniform(8))));
      } else {
        Bytes ins(1 + rng.Uniform(8));
        rng.Fill(ins);
        w.insert(w.begin() + static_cast<ptrdiff_t>(at), ins.begin(), ins.end());
      }
      if (w.size() <= kIkeHeaderSize) break;
    }
    SetLength(w);
    run(w);
  }
  return stats;
}

void Report(const char* name, const Stats& s) {
  std::string line = std::string(name) + ": " + std::to_string(s.variants) + " variants, " +
                     std::to_string(s.decoded) + " decoded;";
  for (const auto& [e, n] : s.errors) line += " " + std::string(ToString(e)) + "=" + std::to_string(n);
  ::testing::Test::RecordProperty(name, std::to_string(s.variants));
  std::printf("%s\n", line.c_str());
}

TEST(Mutation, PlaintextIkeSaInit) {
  auto wire = EncodeMessage(testing::SampleHeader(ExchangeType::kIkeSaInit, 0),
                            testing::SampleIkeSaInitPayloads());
  ASSERT_TRUE(wire.ok());
  Stats s = Mutate(*wire, nullptr);
  Report("sample IKE_SA_INIT", s);
  EXPECT_GT(s.variants, 5000u);
  EXPECT_GT(s.errors[DecodeError::kInvalidSyntax], 0u);
  EXPECT_GT(s.errors[DecodeError::kLengthMismatch], 0u);
}

TEST(Mutation, CapturedStrongSwanMessages) {
  for (const char* f : {"gcm_01_ike_sa_init_req.bin", "gcm_02_ike_sa_init_resp.bin",
                        "cbc_01_ike_sa_init_req.bin"}) {
    Stats s = Mutate(testing::ReadDataFile(f), nullptr);
    Report(f, s);
    EXPECT_GT(s.variants, 5000u);
  }
  // Encrypted ones without keys: every variant must fail cleanly.
  Stats s = Mutate(testing::ReadDataFile("gcm_03_ike_auth_req.bin"), nullptr);
  Report("gcm_03_ike_auth_req.bin (no keys)", s);
}

TEST(Mutation, ProtectedIkeAuthBehindTheIcv) {
  // A cipher that accepts any ICV, so mutations reach padding and the inner
  // chain; and a verifying one, where they must all fail integrity or shape.
  for (bool verify : {false, true}) {
    for (FakeCipher::Shape shape : {FakeCipher::kAeadShape, FakeCipher::kCbcShape}) {
      FakeCipher c(4, shape, verify);
      DeterministicRng rng(9);
      auto wire = EncodeProtectedMessage(testing::SampleHeader(ExchangeType::kIkeAuth, 1),
                                         testing::SampleIkeAuthPayloads(), c, rng);
      ASSERT_TRUE(wire.ok());
      Stats s = Mutate(*wire, &c);
      Report(verify ? "IKE_AUTH (verifying cipher)" : "IKE_AUTH (accept-all cipher)", s);
      if (verify) {
        EXPECT_GT(s.errors[DecodeError::kIntegrityCheckFailed], 1000u);
      } else {
        EXPECT_GT(s.errors[DecodeError::kInvalidSyntax], 100u);
      }
    }
  }
}

TEST(Mutation, Fragments) {
  FakeCipher c(6, FakeCipher::kAeadShape, /*verify=*/false);
  DeterministicRng rng(2);
  auto chain = EncodePayloadChain(testing::SampleIkeAuthPayloads());
  ASSERT_TRUE(chain.ok());
  auto frags = SealFragments(testing::SampleHeader(ExchangeType::kIkeAuth, 1), *chain, c, rng, 150);
  ASSERT_TRUE(frags.ok());
  ASSERT_GT(frags->size(), 2u);
  Stats s = Mutate((*frags)[0], &c);
  Report("SKF fragment 1 (accept-all cipher)", s);
  EXPECT_GT(s.errors[DecodeError::kInvalidFragment], 0u);
}

}  // namespace
}  // namespace ikevpn::ike
