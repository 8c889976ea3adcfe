// PRF (HMAC) against RFC 4231 / RFC 4868, prf+ structure and limits, hashes.
#include "daemon/ike/crypto/prf.h"

#include <gtest/gtest.h>

#include "daemon/ike/crypto/hash.h"
#include "tests/unit/crypto/test_util.h"

namespace ikevpn::crypto {
namespace {

using namespace testing;  // NOLINT: test helpers

struct HmacVector {
  const char* name;
  Bytes key;
  Bytes data;
  const char* sha256;
  const char* sha384;
  const char* sha512;
};

// RFC 4231 §4.2, 4.3, 4.4 and 4.7 (test case 5 is truncated output, not a PRF).
std::vector<HmacVector> Rfc4231() {
  return {
      {"case1", Bytes(20, 0x0b), Hex("4869205468657265"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {"case2", Hex("4a656665"), Hex("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {"case3", Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
      {"case6", Bytes(131, 0xaa),
       Hex("54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
  };
}

TEST(PrfTest, Rfc4231Vectors) {
  auto p256 = Prf::Create(ike::PrfId::kHmacSha2_256);
  auto p384 = Prf::Create(ike::PrfId::kHmacSha2_384);
  auto p512 = Prf::Create(ike::PrfId::kHmacSha2_512);
  ASSERT_TRUE(p256.ok() && p384.ok() && p512.ok());
  for (const HmacVector& v : Rfc4231()) {
    SCOPED_TRACE(v.name);
    // The same objects are reused across keys: nothing may leak between calls.
    EXPECT_EQ(HexOf(*p256->Compute(v.key, v.data)), v.sha256);
    EXPECT_EQ(HexOf(*p384->Compute(v.key, v.data)), v.sha384);
    EXPECT_EQ(HexOf(*p512->Compute(v.key, v.data)), v.sha512);
  }
}

TEST(PrfTest, SizesAndIds) {
  auto sha1 = Prf::Create(ike::PrfId::kHmacSha1);
  ASSERT_TRUE(sha1.ok());
  EXPECT_EQ(sha1->output_size(), 20u);
  EXPECT_EQ(sha1->id(), ike::PrfId::kHmacSha1);
  EXPECT_EQ(Prf::Create(ike::PrfId::kHmacSha2_384)->key_size(), 48u);
  EXPECT_EQ(Prf::Create(ike::PrfId::kAes128Xcbc).status().code(), Code::kUnsupported);
  EXPECT_EQ(Prf::Create(ike::PrfId::kHmacMd5).status().code(), Code::kUnsupported);
}

TEST(PrfTest, PartsEqualConcatenation) {
  auto prf = Prf::Create(ike::PrfId::kHmacSha2_256);
  ASSERT_TRUE(prf.ok());
  Bytes key = Hex("0102030405");
  auto whole = prf->Compute(key, Hex("aabbccddeeff"));
  auto parts = prf->Compute(key, {Hex("aabb"), Bytes(), Hex("ccddeeff")});
  ASSERT_TRUE(whole.ok() && parts.ok());
  EXPECT_TRUE(whole->Equals(parts->span()));
  Bytes out(31);
  EXPECT_EQ(prf->Compute(key, {Hex("aa")}, out).code(), Code::kInternal);
}

// A released context comes back on the next call with the same results.
TEST(PrfTest, ReleaseContextKeepsWorking) {
  auto prf = Prf::Create(ike::PrfId::kHmacSha2_256);
  ASSERT_TRUE(prf.ok());
  Bytes key = Hex("0102030405");
  auto before = prf->Compute(key, Hex("aabbccddeeff"));
  auto plus_before = PrfPlus(*prf, key, Hex("aabb"), 80);
  prf->ReleaseContext();
  EXPECT_EQ(prf->output_size(), 32u);
  auto after = prf->Compute(key, Hex("aabbccddeeff"));
  prf->ReleaseContext();
  auto plus_after = PrfPlus(*prf, key, Hex("aabb"), 80);
  ASSERT_TRUE(before.ok() && after.ok() && plus_before.ok() && plus_after.ok());
  EXPECT_TRUE(before->Equals(after->span()));
  EXPECT_TRUE(plus_before->Equals(plus_after->span()));
}

// prf+ built by hand from prf(): T1 = prf(K, S|01), T2 = prf(K, T1|S|02), ...
TEST(PrfTest, PrfPlusMatchesDefinition) {
  auto prf = Prf::Create(ike::PrfId::kHmacSha1);
  ASSERT_TRUE(prf.ok());
  Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
  Bytes seed = Hex("f0f1f2f3f4f5f6f7f8f9");
  auto t1 = prf->Compute(key, {seed, Hex("01")});
  auto t2 = prf->Compute(key, {t1->span(), seed, Hex("02")});
  auto t3 = prf->Compute(key, {t2->span(), seed, Hex("03")});
  SecretBytes expected = *t1;
  expected.Append(t2->span());
  expected.Append(t3->span().first(5));
  auto out = PrfPlus(*prf, key, seed, 45);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(HexOf(*out), HexOf(expected));
  auto split = PrfPlus(*prf, key, ByteSpan(seed).first(3), 45);
  auto split_parts = PrfPlus(*prf, key, {ByteSpan(seed).first(1), ByteSpan(seed).subspan(1, 2)}, 45);
  EXPECT_TRUE(split->Equals(split_parts->span()));
  EXPECT_FALSE(split->Equals(out->span()));
}

TEST(PrfTest, PrfPlusLimitIs255Blocks) {
  auto prf = Prf::Create(ike::PrfId::kHmacSha2_256);
  ASSERT_TRUE(prf.ok());
  Bytes key(32, 1);
  auto max = PrfPlus(*prf, key, Hex("00"), 255 * 32);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->size(), 255u * 32);
  auto over = PrfPlus(*prf, key, Hex("00"), 255 * 32 + 1);
  EXPECT_EQ(over.status().code(), Code::kInvalidArgument);
  auto empty = PrfPlus(*prf, key, Hex("00"), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

// FIPS 180 "abc" examples.
TEST(HashTest, KnownDigests) {
  EXPECT_EQ(ToHex(*Sha1(Text("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(ToHex(*Sha1({Text("a"), Text("bc")})), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(ToHex(*Hash(ike::HashAlgorithm::kSha2_256, Text("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hash(ike::HashAlgorithm::kSha2_384, Text("abc"))->size(), 48u);
  EXPECT_EQ(Hash(ike::HashAlgorithm::kSha2_512, Text("abc"))->size(), 64u);
  EXPECT_EQ(Hash(ike::HashAlgorithm::kIdentity, Text("abc")).status().code(), Code::kUnsupported);
  EXPECT_EQ(HashSize(ike::HashAlgorithm::kSha2_384), 48u);
}

}  // namespace
}  // namespace ikevpn::crypto
