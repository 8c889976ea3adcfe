// Key exchange against RFC 7748 (X25519 §5.2 and §6.1, X448 §6.2) and
// RFC 5903 §8 (ECP), plus RFC 6989 rejection of bad peer values.
#include "daemon/ike/crypto/key_exchange.h"

#include <gtest/gtest.h>

#include "tests/unit/crypto/test_util.h"

namespace ikevpn::crypto {
namespace {

using namespace testing;  // NOLINT: test helpers

std::unique_ptr<KeyExchange> WithKey(ike::KeId id, const char* priv_hex) {
  auto ke = KeyExchange::CreateWithPrivateKey(id, SecretHex(priv_hex));
  EXPECT_TRUE(ke.ok()) << ke.status().ToString();
  return ke.ok() ? std::move(ke).value() : nullptr;
}

struct DhVector {
  const char* name;
  ike::KeId id;
  const char* priv_a;
  const char* pub_a;  // empty: not published, only checked through the peer
  const char* priv_b;
  const char* pub_b;
  const char* shared;
};

const DhVector kVectors[] = {
    {"rfc7748-6.1", ike::KeId::kCurve25519,
     "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
     "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
     "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
     "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
     "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
    {"rfc7748-6.2", ike::KeId::kCurve448,
     "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
     "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0",
     "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
     "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609",
     "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d"},
    {"rfc5903-8.1", ike::KeId::kEcp256,
     "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
     "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
     "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
     "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
     "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
     "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
     "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"},
    {"rfc5903-8.2", ike::KeId::kEcp384,
     "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194", "",
     "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A7448FC",
     "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571"
     "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C",
     "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746"},
    {"rfc5903-8.3", ike::KeId::kEcp521,
     "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A095AA85A30FE1C2952C6771D937BA9777"
     "F5957B2639BAB072462F68C27A57382D4A52",
     "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D107564"
     "941885942AF5A7F4601723C4195D176CED3E"
     "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5B6C"
     "F2261A6A7F1507438BF01BEB6CA3926F9582",
     "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E4C2"
     "F869CCA7458AA4A4EFFC311F5CB151685EB9",
     "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A219B97C356436ADC6E95BB0352F6BE64A6"
     "C2912D4EF2D0433CED2B6171640012D9460F"
     "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87220B6536C5C408A1D2AEBB8E86D678AE"
     "49CB57091F4732296579AB44FCD17F0FC56A",
     "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810C06"
     "B3C715A3A8CC3151F2BEE417996D19F3DDEA"},
};

TEST(KeyExchangeTest, PublishedVectors) {
  for (const DhVector& v : kVectors) {
    SCOPED_TRACE(v.name);
    auto a = WithKey(v.id, v.priv_a);
    auto b = WithKey(v.id, v.priv_b);
    ASSERT_TRUE(a && b);
    if (*v.pub_a) {
      EXPECT_EQ(ToHex(a->public_value()), Lower(v.pub_a));
    }
    EXPECT_EQ(ToHex(b->public_value()), Lower(v.pub_b));
    EXPECT_EQ(a->public_value().size(), *KeyExchange::PublicValueSize(v.id));
    auto ab = a->ComputeShared(b->public_value());
    auto ba = b->ComputeShared(a->public_value());
    ASSERT_TRUE(ab.ok() && ba.ok()) << ab.status().ToString() << ba.status().ToString();
    EXPECT_EQ(HexOf(*ab), Lower(v.shared));
    EXPECT_EQ(HexOf(*ba), Lower(v.shared));
  }
}

// RFC 7748 §5.2: X25519(scalar, u) for an arbitrary u-coordinate.
TEST(KeyExchangeTest, X25519ScalarMultVectors) {
  auto ke = WithKey(ike::KeId::kCurve25519,
                    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
  auto out = ke->ComputeShared(Hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(HexOf(*out), "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

TEST(KeyExchangeTest, RandomKeysAgreeForEveryGroup) {
  for (ike::KeId id : {ike::KeId::kModp2048, ike::KeId::kModp3072, ike::KeId::kModp4096,
                       ike::KeId::kEcp256, ike::KeId::kEcp384, ike::KeId::kEcp521,
                       ike::KeId::kCurve25519, ike::KeId::kCurve448}) {
    SCOPED_TRACE(static_cast<int>(id));
    auto a = KeyExchange::Create(id);
    auto b = KeyExchange::Create(id);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ((*a)->id(), id);
    EXPECT_EQ((*a)->public_value().size(), *KeyExchange::PublicValueSize(id));
    EXPECT_NE(ToHex((*a)->public_value()), ToHex((*b)->public_value()));
    auto ab = (*a)->ComputeShared((*b)->public_value());
    auto ba = (*b)->ComputeShared((*a)->public_value());
    ASSERT_TRUE(ab.ok() && ba.ok()) << ab.status().ToString();
    EXPECT_TRUE(ab->Equals(ba->span()));
    // MODP g^ir keeps the full length of the prime; ECP is the x coordinate.
    const size_t expect = *KeyExchange::PublicValueSize(id);
    const bool ecp = id == ike::KeId::kEcp256 || id == ike::KeId::kEcp384 || id == ike::KeId::kEcp521;
    EXPECT_EQ(ab->size(), ecp ? expect / 2 : expect);
  }
}

TEST(KeyExchangeTest, ModpFixedPrivateKeyAndPadding) {
  // g^1 = 2, so with x = 1 the public value is 00..02 (256 bytes).
  auto one = WithKey(ike::KeId::kModp2048, "01");
  ASSERT_TRUE(one);
  Bytes two(256, 0);
  two.back() = 2;
  EXPECT_EQ(ToHex(one->public_value()), ToHex(two));
  auto other = KeyExchange::Create(ike::KeId::kModp2048);
  // (g^y)^1 = g^y: the shared value is the peer's public value itself.
  auto shared = one->ComputeShared((*other)->public_value());
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(HexOf(*shared), ToHex((*other)->public_value()));
}

// RFC 6989 §2.2: MODP values 0, 1, p-1 and >= p are rejected.
TEST(KeyExchangeTest, ModpRejectsOutOfRangePeerValues) {
  auto ke = KeyExchange::Create(ike::KeId::kModp2048);
  ASSERT_TRUE(ke.ok());
  Bytes zero(256, 0);
  Bytes one(256, 0);
  one.back() = 1;
  Bytes all_ff(256, 0xff);
  EXPECT_EQ((*ke)->ComputeShared(zero).status().code(), Code::kDrop);
  EXPECT_EQ((*ke)->ComputeShared(one).status().code(), Code::kDrop);
  EXPECT_EQ((*ke)->ComputeShared(all_ff).status().code(), Code::kDrop);  // > p
  EXPECT_EQ((*ke)->ComputeShared(Bytes(255, 7)).status().code(), Code::kDrop);  // wrong length
  Bytes two(256, 0);
  two.back() = 2;
  EXPECT_TRUE((*ke)->ComputeShared(two).ok());
}

TEST(KeyExchangeTest, ModpRejectsPMinusOne) {
  // p - 1 for the RFC 3526 group 14 prime (its last byte is 0xff, so p-1 ends in 0xfe).
  const char* p =
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
      "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
      "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
      "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
      "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
      "15728E5A8AACAA68FFFFFFFFFFFFFFFF";
  Bytes pm1 = Hex(p);
  pm1.back() = 0xfe;
  auto ke = KeyExchange::Create(ike::KeId::kModp2048);
  EXPECT_EQ((*ke)->ComputeShared(pm1).status().code(), Code::kDrop);
  EXPECT_EQ((*ke)->ComputeShared(Hex(p)).status().code(), Code::kDrop);
  pm1.back() = 0xfd;  // p - 2 is a valid element
  EXPECT_TRUE((*ke)->ComputeShared(pm1).ok());
}

// RFC 6989 §2.3: a point that is not on the curve is rejected.
TEST(KeyExchangeTest, EcpRejectsOffCurvePoint) {
  for (ike::KeId id : {ike::KeId::kEcp256, ike::KeId::kEcp384, ike::KeId::kEcp521}) {
    auto a = KeyExchange::Create(id);
    auto b = KeyExchange::Create(id);
    Bytes bad((*b)->public_value().begin(), (*b)->public_value().end());
    bad.back() ^= 1;  // y changed: off the curve
    EXPECT_EQ((*a)->ComputeShared(bad).status().code(), Code::kDrop);
    EXPECT_EQ((*a)->ComputeShared(Bytes(bad.size(), 0)).status().code(), Code::kDrop);
    EXPECT_EQ((*a)->ComputeShared(ByteSpan(bad).first(bad.size() - 1)).status().code(), Code::kDrop);
  }
}

// RFC 7748 §6.1 / RFC 8031 §2.2: low-order points give an all-zero secret.
TEST(KeyExchangeTest, XdhRejectsAllZeroResult) {
  auto x25519 = KeyExchange::Create(ike::KeId::kCurve25519);
  EXPECT_EQ((*x25519)->ComputeShared(Bytes(32, 0)).status().code(), Code::kDrop);
  Bytes one(32, 0);
  one[0] = 1;  // u = 1 is one of the low-order points listed in RFC 7748 §6.1's references
  EXPECT_EQ((*x25519)->ComputeShared(one).status().code(), Code::kDrop);
  auto x448 = KeyExchange::Create(ike::KeId::kCurve448);
  EXPECT_EQ((*x448)->ComputeShared(Bytes(56, 0)).status().code(), Code::kDrop);
  EXPECT_EQ((*x25519)->ComputeShared(Bytes(31, 9)).status().code(), Code::kDrop);
}

TEST(KeyExchangeTest, UnsupportedGroups) {
  EXPECT_EQ(KeyExchange::Create(ike::KeId::kModp1024).status().code(), Code::kUnsupported);
  EXPECT_EQ(KeyExchange::PublicValueSize(ike::KeId::kNone).status().code(), Code::kUnsupported);
  EXPECT_EQ(*KeyExchange::PublicValueSize(ike::KeId::kEcp521), 132u);
  EXPECT_EQ(KeyExchange::CreateWithPrivateKey(ike::KeId::kCurve25519, SecretBytes(Bytes(31, 1)))
                .status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace ikevpn::crypto
