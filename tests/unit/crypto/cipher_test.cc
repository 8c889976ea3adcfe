// Cipher: published vectors for AES-GCM (McGrew/Viega test cases 13-16),
// ChaCha20-Poly1305 (RFC 8439 §2.8.2 in the RFC 7634 layout), AES-CBC
// (RFC 3602), and round trips / tampering for every supported transform.
#include "daemon/ike/crypto/cipher.h"

#include <gtest/gtest.h>

#include "daemon/ike/crypto/prf.h"
#include "tests/unit/crypto/test_util.h"

namespace ikevpn::crypto {
namespace {

using namespace testing;  // NOLINT: test helpers

std::unique_ptr<Cipher> MakeCipher(const CipherSpec& spec, const SecretBytes& encr,
                                   const SecretBytes& integ = {}) {
  auto c = Cipher::Create(spec, encr, integ);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

struct AeadVector {
  const char* name;
  CipherSpec spec;
  const char* key_and_salt;
  const char* iv;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

// GCM: the 12-byte GCM IV is split into salt (first 4) and IKE/ESP IV (last 8).
const AeadVector kAeadVectors[] = {
    {"gcm-tc13", {ike::EncrId::kAesGcm16, 256},
     "0000000000000000000000000000000000000000000000000000000000000000" "00000000",
     "0000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"gcm-tc14", {ike::EncrId::kAesGcm16, 256},
     "0000000000000000000000000000000000000000000000000000000000000000" "00000000",
     "0000000000000000", "", "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"gcm-tc15", {ike::EncrId::kAesGcm16, 256},
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308" "cafebabe",
     "facedbaddecaf888", "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
     "b16aedf5aa0de657ba637b391aafd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838"
     "c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"gcm-tc16", {ike::EncrId::kAesGcm16, 256},
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308" "cafebabe",
     "facedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
     "b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838"
     "c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    // RFC 8439 §2.8.2: nonce = 07000000 | 4041424344454647 -> salt | IV.
    {"chacha-rfc8439", {ike::EncrId::kChaCha20Poly1305, 256},
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" "07000000",
     "4041424344454647", "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a204966204920"
     "636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c207375"
     "6e73637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
     "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
     "3ff4def08e4b7a9de576d26586cec64b6116",
     "1ae10b594f09e26a7e902ecbd0600691"},
};

TEST(CipherTest, AeadVectors) {
  for (const AeadVector& v : kAeadVectors) {
    SCOPED_TRACE(v.name);
    auto cipher = MakeCipher(v.spec, SecretHex(v.key_and_salt));
    ASSERT_NE(cipher, nullptr);
    EXPECT_TRUE(cipher->aead());
    EXPECT_EQ(cipher->iv_size(), 8u);
    EXPECT_EQ(cipher->icv_size(), 16u);
    Bytes data = Hex(v.plaintext);
    Bytes tag(16);
    ASSERT_TRUE(cipher->Seal(Hex(v.aad), Hex(v.iv), data, tag).ok());
    EXPECT_EQ(ToHex(data), v.ciphertext);
    EXPECT_EQ(ToHex(tag), v.tag);
    ASSERT_TRUE(cipher->Open(Hex(v.aad), Hex(v.iv), data, tag).ok());
    EXPECT_EQ(ToHex(data), v.plaintext);
  }
}

// The AAD may come in two pieces; the tag covers aad | aad_tail.
TEST(CipherTest, AeadAadTailIsAuthenticated) {
  const AeadVector& v = kAeadVectors[3];
  auto cipher = MakeCipher(v.spec, SecretHex(v.key_and_salt));
  Bytes aad = Hex(v.aad);
  Bytes data = Hex(v.plaintext);
  Bytes tag(16);
  ASSERT_TRUE(cipher->Seal(ByteSpan(aad).first(8), Hex(v.iv), data, tag, ByteSpan(aad).subspan(8)).ok());
  EXPECT_EQ(ToHex(tag), v.tag);
  Bytes copy = data;
  EXPECT_EQ(cipher->Open(aad, Hex(v.iv), copy, tag, Hex("00")).code(), Code::kAuthFailed);
}

struct CbcVector {
  const char* key;
  const char* iv;
  const char* plaintext;
  const char* ciphertext;
};

// RFC 3602 §4 cases 1, 2 and 4 (AES-128-CBC).
const CbcVector kCbcVectors[] = {
    {"06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
     "53696e676c6520626c6f636b206d7367", "e353779c1079aeb82708942dbe77181a"},
    {"c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"},
    {"56e47a38c5598974bc46903dba290349", "8ce82eefbea0da3c44699ed7db51b7d9",
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
     "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
     "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e35907aa632c3ffdf868bb7b29d3d46ad"
     "83ce9f9a102ee99d49a53e87f4c3da55"},
};

TEST(CipherTest, CbcVectorsAndHmacIcv) {
  for (const CbcVector& v : kCbcVectors) {
    SCOPED_TRACE(v.key);
    SecretBytes integ_key(Bytes(32, 0x5a));
    auto cipher = MakeCipher({ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha2_256_128},
                             SecretHex(v.key), integ_key);
    ASSERT_NE(cipher, nullptr);
    EXPECT_FALSE(cipher->aead());
    EXPECT_EQ(cipher->iv_size(), 16u);
    EXPECT_EQ(cipher->block_size(), 16u);
    Bytes aad = Hex("0102030405060708");
    Bytes data = Hex(v.plaintext);
    Bytes icv(16);
    ASSERT_TRUE(cipher->Seal(aad, Hex(v.iv), data, icv).ok());
    EXPECT_EQ(ToHex(data), v.ciphertext);
    // ICV = HMAC-SHA-256(aad | iv | ciphertext) truncated to 128 bits.
    auto prf = Prf::Create(ike::PrfId::kHmacSha2_256);
    auto mac = prf->Compute(integ_key.span(), {aad, Hex(v.iv), data});
    EXPECT_EQ(ToHex(icv), ToHex(mac->span().first(16)));
    ASSERT_TRUE(cipher->Open(aad, Hex(v.iv), data, icv).ok());
    EXPECT_EQ(ToHex(data), v.plaintext);
  }
}

struct Combo {
  CipherSpec spec;
  size_t encr_size;
  size_t integ_size;
  size_t icv_size;
};

const Combo kCombos[] = {
    {{ike::EncrId::kAesGcm16, 128}, 20, 0, 16},
    {{ike::EncrId::kAesGcm16, 192}, 28, 0, 16},
    {{ike::EncrId::kAesGcm16, 256}, 36, 0, 16},
    {{ike::EncrId::kChaCha20Poly1305, 256}, 36, 0, 16},
    {{ike::EncrId::kChaCha20Poly1305, 0}, 36, 0, 16},
    {{ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha1_96}, 16, 20, 12},
    {{ike::EncrId::kAesCbc, 192, ike::IntegId::kHmacSha2_256_128}, 24, 32, 16},
    {{ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_384_192}, 32, 48, 24},
    {{ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_512_256}, 32, 64, 32},
};

TEST(CipherTest, RoundTripAndTamperEveryTransform) {
  for (const Combo& c : kCombos) {
    SCOPED_TRACE(static_cast<int>(c.spec.encr) * 1000 + c.spec.key_bits);
    ASSERT_EQ(*Cipher::EncrKeySize(c.spec), c.encr_size);
    ASSERT_EQ(*Cipher::IntegKeySize(c.spec.integ), c.integ_size);
    SecretBytes encr(Bytes(c.encr_size, 0x11));
    SecretBytes integ(Bytes(c.integ_size, 0x22));
    auto sender = MakeCipher(c.spec, encr, integ);
    auto receiver = MakeCipher(c.spec, encr, integ);
    ASSERT_TRUE(sender && receiver);
    EXPECT_EQ(sender->icv_size(), c.icv_size);
    const Bytes aad = Hex("deadbeef00000001");
    const Bytes iv(sender->iv_size(), 0x33);
    const Bytes plain(64, 0x44);
    Bytes data = plain;
    Bytes icv(sender->icv_size());
    ASSERT_TRUE(sender->Seal(aad, iv, data, icv).ok());
    EXPECT_NE(data, plain);
    Bytes copy = data;
    ASSERT_TRUE(receiver->Open(aad, iv, copy, icv).ok());
    EXPECT_EQ(copy, plain);
    // Any change to ciphertext, AAD, IV or ICV is caught.
    copy = data;
    copy[5] ^= 1;
    EXPECT_EQ(receiver->Open(aad, iv, copy, icv).code(), Code::kAuthFailed);
    Bytes bad_aad = aad;
    bad_aad[0] ^= 0x80;
    copy = data;
    EXPECT_EQ(receiver->Open(bad_aad, iv, copy, icv).code(), Code::kAuthFailed);
    Bytes bad_iv = iv;
    bad_iv.back() ^= 1;
    copy = data;
    EXPECT_EQ(receiver->Open(aad, bad_iv, copy, icv).code(), Code::kAuthFailed);
    Bytes bad_icv = icv;
    bad_icv.back() ^= 1;
    copy = data;
    EXPECT_EQ(receiver->Open(aad, iv, copy, bad_icv).code(), Code::kAuthFailed);
    // The object keeps working after a failure (contexts are re-initialised).
    copy = data;
    ASSERT_TRUE(receiver->Open(aad, iv, copy, icv).ok());
    EXPECT_EQ(copy, plain);
  }
}

// The on-demand cipher (keys only, a context per call) is interchangeable
// with a keyed one: same sizes, same output, same checks.
TEST(CipherTest, OnDemandMatchesKeyedCipher) {
  for (const Combo& c : kCombos) {
    SCOPED_TRACE(static_cast<int>(c.spec.encr) * 1000 + c.spec.key_bits);
    SecretBytes encr(Bytes(c.encr_size, 0x11));
    SecretBytes integ(Bytes(c.integ_size, 0x22));
    auto keyed = MakeCipher(c.spec, encr, integ);
    auto lazy = Cipher::CreateOnDemand(c.spec, encr, integ);
    ASSERT_TRUE(keyed && lazy.ok());
    Cipher& l = **lazy;
    EXPECT_EQ(l.aead(), keyed->aead());
    EXPECT_EQ(l.iv_size(), keyed->iv_size());
    EXPECT_EQ(l.block_size(), keyed->block_size());
    EXPECT_EQ(l.icv_size(), keyed->icv_size());
    const Bytes aad = Hex("deadbeef00000002");
    const Bytes iv(l.iv_size(), 0x33);
    const Bytes plain(48, 0x44);
    Bytes a = plain, b = plain;
    Bytes icv_a(l.icv_size()), icv_b(l.icv_size());
    ASSERT_TRUE(keyed->Seal(aad, iv, a, icv_a).ok());
    ASSERT_TRUE(l.Seal(aad, iv, b, icv_b).ok());
    EXPECT_EQ(a, b);
    EXPECT_EQ(icv_a, icv_b);
    ASSERT_TRUE(l.Open(aad, iv, b, icv_b).ok());
    EXPECT_EQ(b, plain);
    icv_a.back() ^= 1;
    EXPECT_EQ(l.Open(aad, iv, a, icv_a).code(), Code::kAuthFailed);
  }
  SecretBytes k32(Bytes(32, 1));
  EXPECT_EQ(Cipher::CreateOnDemand({ike::EncrId::kAesGcm16, 256}, k32, {}).status().code(),
            Code::kInvalidArgument);  // salt missing
  EXPECT_EQ(Cipher::CreateOnDemand({ike::EncrId::k3Des, 192, ike::IntegId::kHmacSha1_96}, k32, k32)
                .status().code(),
            Code::kUnsupported);
}

TEST(CipherTest, CreateRejectsBadCombinations) {
  SecretBytes k36(Bytes(36, 1));
  SecretBytes k32(Bytes(32, 1));
  EXPECT_EQ(Cipher::Create({ike::EncrId::kAesGcm16, 256, ike::IntegId::kHmacSha2_256_128}, k36, k32)
                .status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Cipher::Create({ike::EncrId::kAesCbc, 256}, k32, {}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Cipher::Create({ike::EncrId::kAesGcm16, 256}, k32, {}).status().code(),
            Code::kInvalidArgument);  // salt missing
  EXPECT_EQ(Cipher::Create({ike::EncrId::kAesGcm16, 100}, k36, {}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Cipher::Create({ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_256_128}, k32,
                           SecretBytes(Bytes(20, 1)))
                .status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Cipher::Create({ike::EncrId::k3Des, 192, ike::IntegId::kHmacSha1_96}, k32, k32)
                .status().code(),
            Code::kUnsupported);
  EXPECT_EQ(Cipher::Create({ike::EncrId::kAesCbc, 256, ike::IntegId::kAesXcbc96}, k32, k32)
                .status().code(),
            Code::kUnsupported);
  EXPECT_EQ(Cipher::IntegKeySize(ike::IntegId::kNone).value(), 0u);
}

}  // namespace
}  // namespace ikevpn::crypto
