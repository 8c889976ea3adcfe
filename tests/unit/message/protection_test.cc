// SK protection (RFC 7296 §3.14): round trips with a fake and the real
// ciphers, integrity failures (distinguishable: drop silently), padding and
// envelope errors.
#include "daemon/ike/message/protection.h"

#include <gtest/gtest.h>

#include "daemon/base/rng.h"
#include "tests/unit/message/fake_cipher.h"
#include "tests/unit/message/sample_messages.h"
#include "tests/unit/message/test_util.h"

namespace ikevpn::ike {
namespace {

using testing::FakeCipher;
using testing::SampleHeader;
using testing::SampleIkeAuthPayloads;

std::unique_ptr<crypto::Cipher> RealCipher(crypto::CipherSpec spec, uint8_t seed) {
  size_t encr = *crypto::Cipher::EncrKeySize(spec);
  size_t integ = *crypto::Cipher::IntegKeySize(spec.integ);
  auto c = crypto::Cipher::Create(spec, SecretBytes(testing::Filled(encr, seed)),
                                  SecretBytes(testing::Filled(integ, seed + 1)));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

struct CipherCase {
  const char* name;
  std::function<std::unique_ptr<crypto::Cipher>()> make;
};

std::vector<CipherCase> Ciphers() {
  return {
      {"fake-aead", [] { return std::make_unique<FakeCipher>(7, FakeCipher::kAeadShape); }},
      {"fake-cbc", [] { return std::make_unique<FakeCipher>(7, FakeCipher::kCbcShape); }},
      {"aes256gcm16",
       [] { return RealCipher({EncrId::kAesGcm16, 256, IntegId::kNone}, 1); }},
      {"aes128cbc-sha256",
       [] { return RealCipher({EncrId::kAesCbc, 128, IntegId::kHmacSha2_256_128}, 2); }},
      {"chacha20poly1305",
       [] { return RealCipher({EncrId::kChaCha20Poly1305, 256, IntegId::kNone}, 3); }},
  };
}

class SkTest : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    CipherCase c = Ciphers()[GetParam()];
    out_ = c.make();
    in_ = c.make();
    ASSERT_NE(out_, nullptr);
  }
  Bytes Seal(const Payloads& inner, uint32_t mid = 1) {
    auto wire = EncodeProtectedMessage(SampleHeader(ExchangeType::kIkeAuth, mid), inner, *out_, rng_);
    EXPECT_TRUE(wire.ok()) << wire.status().ToString();
    return wire.ok() ? *wire : Bytes{};
  }
  std::unique_ptr<crypto::Cipher> out_, in_;
  DeterministicRng rng_{42};
};

TEST_P(SkTest, RoundTrip) {
  Bytes wire = Seal(SampleIkeAuthPayloads());
  EXPECT_EQ(wire.size(), kIkeHeaderSize + kGenericPayloadHeaderSize +
                             SealedSize(*out_, EncodePayloadChain(SampleIkeAuthPayloads())->bytes.size()));
  EXPECT_EQ(wire[16], static_cast<uint8_t>(PayloadType::kSk));
  EXPECT_EQ(wire[28], static_cast<uint8_t>(PayloadType::kIdi));  // SK's Next Payload
  auto m = DecodeMessage(wire, in_.get());
  ASSERT_TRUE(m.ok()) << m.failure().ToString();
  EXPECT_TRUE(m->encrypted);
  EXPECT_EQ(m->plaintext_count, 0u);
  EXPECT_TRUE(m->IsEncrypted(0));
  EXPECT_EQ(m->payloads, SampleIkeAuthPayloads());
  EXPECT_EQ(m->Summary(),
            "IKE_AUTH request 1 [ SK{ IDi N(INITIAL_CONTACT) IDr AUTH SA TSi TSr } ]");
}

TEST_P(SkTest, EmptyInnerChain) {
  // An INFORMATIONAL liveness check: HDR, SK {}.
  Bytes wire = Seal({});
  EXPECT_EQ(wire[28], 0);
  auto m = DecodeMessage(wire, in_.get());
  ASSERT_TRUE(m.ok()) << m.failure().ToString();
  EXPECT_TRUE(m->encrypted);
  EXPECT_TRUE(m->payloads.empty());
  EXPECT_EQ(m->Summary(), "IKE_AUTH request 1 [ SK{ } ]");
}

TEST_P(SkTest, EveryFlippedBitFailsIntegrity) {
  Bytes wire = Seal(SampleIkeAuthPayloads());
  // Flip one bit in every byte but those checked before the ICV: the
  // lengths, the version, and the header's Next Payload (which would make
  // the SK payload something else).
  size_t integrity_failures = 0;
  for (size_t i = 0; i < wire.size(); ++i) {
    if ((i >= 24 && i < 28) || (i >= 30 && i < 32) || i == 16 || i == 17) continue;
    Bytes bad = wire;
    bad[i] ^= 0x01;
    auto m = DecodeMessage(bad, in_.get());
    ASSERT_FALSE(m.ok()) << "byte " << i;
    integrity_failures += m.error() == DecodeError::kIntegrityCheckFailed;
    EXPECT_EQ(NotifyFor(m.error()), std::nullopt) << "byte " << i << " " << m.failure().ToString();
  }
  EXPECT_EQ(integrity_failures, wire.size() - 8);
}

TEST_P(SkTest, WrongKeyFailsIntegrity) {
  Bytes wire = Seal(SampleIkeAuthPayloads());
  CipherCase c = Ciphers()[GetParam()];
  std::unique_ptr<crypto::Cipher> other;
  if (GetParam() < 2) {
    other = std::make_unique<FakeCipher>(8, GetParam() == 0 ? FakeCipher::kAeadShape
                                                            : FakeCipher::kCbcShape);
  } else {
    crypto::CipherSpec specs[] = {{EncrId::kAesGcm16, 256, IntegId::kNone},
                                  {EncrId::kAesCbc, 128, IntegId::kHmacSha2_256_128},
                                  {EncrId::kChaCha20Poly1305, 256, IntegId::kNone}};
    other = RealCipher(specs[GetParam() - 2], 99);
  }
  auto m = DecodeMessage(wire, other.get());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kIntegrityCheckFailed);
}

TEST_P(SkTest, TruncatedBodyIsMalformedNotAnIntegrityFailure) {
  // HDR, SK with a body shorter than IV + ICV + 1.
  Bytes body(out_->iv_size() + out_->icv_size());
  Bytes chain = testing::RawChainBytes({{46, body}});
  IkeHeader h = SampleHeader(ExchangeType::kIkeAuth, 1);
  h.next_payload = PayloadType::kSk;
  h.length = static_cast<uint32_t>(kIkeHeaderSize + chain.size());
  Bytes wire;
  ByteWriter w(&wire);
  WriteHeader(h, w);
  w.Append(chain);
  auto m = DecodeMessage(wire, in_.get());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kMalformedEncrypted);
}

INSTANTIATE_TEST_SUITE_P(Ciphers, SkTest, ::testing::Range<size_t>(0, 5),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           std::string n = Ciphers()[info.param].name;
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// Seals `plaintext` as the SK body verbatim (the caller supplies padding and
// pad length), so that a message verifies but carries bad padding.
Bytes SealVerbatim(crypto::Cipher& c, PayloadType first, Bytes plaintext) {
  IkeHeader h = SampleHeader(ExchangeType::kIkeAuth, 1);
  h.next_payload = PayloadType::kSk;
  size_t sk_len = kGenericPayloadHeaderSize + c.iv_size() + plaintext.size() + c.icv_size();
  h.length = static_cast<uint32_t>(kIkeHeaderSize + sk_len);
  Bytes wire;
  ByteWriter w(&wire);
  WriteHeader(h, w);
  w.U8(static_cast<uint8_t>(first));
  w.U8(0);
  w.U16(static_cast<uint16_t>(sk_len));
  size_t aad = wire.size();
  w.Zeros(c.iv_size());
  size_t data = wire.size();
  w.Append(plaintext);
  size_t icv = wire.size();
  w.Zeros(c.icv_size());
  EXPECT_TRUE(c.Seal(ByteSpan(wire.data(), aad), ByteSpan(wire.data() + aad, c.iv_size()),
                     MutableByteSpan(wire.data() + data, plaintext.size()),
                     MutableByteSpan(wire.data() + icv, c.icv_size()))
                  .ok());
  return wire;
}

TEST(SkPadding, ImpossiblePadLengthIsInvalidSyntaxAfterVerification) {
  FakeCipher c(3, FakeCipher::kCbcShape);
  Bytes plain(16, 0);
  plain[15] = 16;  // pad length 16 + 1 > 16 bytes
  auto m = DecodeMessage(SealVerbatim(c, PayloadType::kNone, plain), &c);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kInvalidSyntax);
  // Pad length 15: all padding, empty inner chain: fine.
  plain[15] = 15;
  EXPECT_TRUE(DecodeMessage(SealVerbatim(c, PayloadType::kNone, plain), &c).ok());
  // The padding may hold any value (§3.14).
  std::fill(plain.begin(), plain.end() - 1, 0xee);
  EXPECT_TRUE(DecodeMessage(SealVerbatim(c, PayloadType::kNone, plain), &c).ok());
}

TEST(SkPadding, MisalignedCiphertextIsMalformed) {
  FakeCipher c(3, FakeCipher::kCbcShape);
  FakeCipher aead(3, FakeCipher::kAeadShape);
  Bytes wire = SealVerbatim(aead, PayloadType::kNone, Bytes(17, 0));  // 17 % 16 != 0
  auto m = DecodeMessage(wire, &c);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kMalformedEncrypted);
}

TEST(SkInner, NestedSkIsInvalidSyntax) {
  FakeCipher c(3);
  Bytes inner = testing::RawChainBytes({{46, Bytes(30, 1)}});
  inner.push_back(0);  // pad length
  auto m = DecodeMessage(SealVerbatim(c, PayloadType::kSk, inner), &c);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kInvalidSyntax);
}

TEST(SkInner, InnerErrorsAreReportedAfterVerification) {
  FakeCipher c(3);
  Bytes inner = testing::RawChainBytes({{40, Bytes(8, 1)}});  // nonce too short
  inner.push_back(0);
  auto m = DecodeMessage(SealVerbatim(c, PayloadType::kNonce, inner), &c);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kInvalidSyntax);
  EXPECT_EQ(m.failure().payload, PayloadType::kNonce);
  Bytes critical = testing::RawChainBytes({{99, Bytes(2, 1), true}});
  critical.push_back(0);
  m = DecodeMessage(SealVerbatim(c, static_cast<PayloadType>(99), critical), &c);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kUnsupportedCriticalPayload);
}

TEST(SkPlaintext, PayloadsBeforeSkAreKeptApart) {
  // HDR, V, SK {N}: the vendor ID is outside the protection.
  FakeCipher c(5);
  DeterministicRng rng(1);
  auto inner = EncodePayloadChain(Payloads{MakeNotify(NotifyType::kInitialContact)});
  ASSERT_TRUE(inner.ok());
  auto sealed = SealMessage(SampleHeader(ExchangeType::kInformational, 2), *inner, c, rng);
  ASSERT_TRUE(sealed.ok());
  // Splice a Vendor ID in front of SK and fix the lengths: the ICV covers
  // everything before the SK body, so this must fail integrity.
  Bytes wire = *sealed;
  Bytes vid = testing::RawChainBytes({{43, Bytes{1, 2, 3}}});
  vid[0] = static_cast<uint8_t>(PayloadType::kSk);
  wire.insert(wire.begin() + kIkeHeaderSize, vid.begin(), vid.end());
  wire[16] = static_cast<uint8_t>(PayloadType::kVendorId);
  StoreBe32(wire.data() + 24, static_cast<uint32_t>(wire.size()));
  auto m = DecodeMessage(wire, &c);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kIntegrityCheckFailed);

  // Built properly (AAD includes the plaintext payloads), it decodes.
  Bytes good;
  ByteWriter w(&good);
  IkeHeader h = SampleHeader(ExchangeType::kInformational, 2);
  h.next_payload = PayloadType::kVendorId;
  size_t sk_len = kGenericPayloadHeaderSize + SealedSize(c, inner->bytes.size());
  h.length = static_cast<uint32_t>(kIkeHeaderSize + vid.size() + sk_len);
  WriteHeader(h, w);
  w.Append(vid);
  w.U8(static_cast<uint8_t>(inner->first));
  w.U8(0);
  w.U16(static_cast<uint16_t>(sk_len));
  ASSERT_TRUE(AppendSealedBody(&good, inner->bytes, c, rng).ok());
  m = DecodeMessage(good, &c);
  ASSERT_TRUE(m.ok()) << m.failure().ToString();
  EXPECT_EQ(m->plaintext_count, 1u);
  EXPECT_FALSE(m->IsEncrypted(0));
  EXPECT_TRUE(m->IsEncrypted(1));
  EXPECT_EQ(m->Summary(), "INFORMATIONAL request 2 [ V SK{ N(INITIAL_CONTACT) } ]");
}

}  // namespace
}  // namespace ikevpn::ike
