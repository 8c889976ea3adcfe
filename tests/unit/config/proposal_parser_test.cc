#include "daemon/config/proposal_parser.h"

#include <gtest/gtest.h>

namespace ikevpn::config {
namespace {

using ike::ProtocolId;
using ike::Transform;
using ike::TransformType;

template <typename E>
uint16_t Id(E e) {
  return static_cast<uint16_t>(e);
}

TEST(ProposalParser, IkeAeadWithPrfAndGroup) {
  auto r = ParseProposals("aes256gcm16-prfsha384-x25519", ProtocolId::kIke);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const ike::Proposal& p = r->front();
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.protocol, ProtocolId::kIke);
  std::vector<Transform> want = {
      {TransformType::kEncr, Id(ike::EncrId::kAesGcm16), 256},
      {TransformType::kPrf, Id(ike::PrfId::kHmacSha2_384), 0},
      {TransformType::kKe, Id(ike::KeId::kCurve25519), 0},
  };
  EXPECT_EQ(p.transforms, want);
}

TEST(ProposalParser, IkeCbcDerivesPrfFromIntegrity) {
  auto r = ParseProposals("aes128-sha384-sha256-modp2048-ecp256", ProtocolId::kIke);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<Transform> want = {
      {TransformType::kEncr, Id(ike::EncrId::kAesCbc), 128},
      {TransformType::kInteg, Id(ike::IntegId::kHmacSha2_384_192), 0},
      {TransformType::kInteg, Id(ike::IntegId::kHmacSha2_256_128), 0},
      {TransformType::kPrf, Id(ike::PrfId::kHmacSha2_384), 0},
      {TransformType::kPrf, Id(ike::PrfId::kHmacSha2_256), 0},
      {TransformType::kKe, Id(ike::KeId::kModp2048), 0},
      {TransformType::kKe, Id(ike::KeId::kEcp256), 0},
  };
  EXPECT_EQ(r->front().transforms, want);
}

TEST(ProposalParser, IkeAeadWithoutPrfGetsPrfSha256) {
  auto r = ParseProposals("chacha20poly1305-x448", ProtocolId::kIke);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToString(*r), "chacha20poly1305-prfsha256-x448");
}

TEST(ProposalParser, TokenOrderCaseAndAliases) {
  auto r = ParseProposals(" X25519 - PRFSHA256 - AES128GCM16 ", ProtocolId::kIke);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ToString(*r), "aes128gcm16-prfsha256-x25519");
  auto alias = ParseProposals("aes128gcm16-prfsha256-curve25519-curve448", ProtocolId::kIke);
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ(ToString(*alias), "aes128gcm16-prfsha256-x25519-x448");
}

TEST(ProposalParser, EspNumbersProposalsAndAddsNoEsn) {
  auto r = ParseProposals("aes256gcm16, aes256-sha512-ecp384-esn", ProtocolId::kEsp);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].number, 1);
  EXPECT_EQ((*r)[1].number, 2);
  EXPECT_EQ((*r)[0].protocol, ProtocolId::kEsp);
  std::vector<Transform> want0 = {
      {TransformType::kEncr, Id(ike::EncrId::kAesGcm16), 256},
      {TransformType::kEsn, Id(ike::EsnId::kNoEsn), 0},
  };
  EXPECT_EQ((*r)[0].transforms, want0);
  EXPECT_EQ(ToString(*r), "aes256gcm16, aes256-sha512-ecp384-esn");
  auto both = ParseProposals("aes256gcm16-esn-noesn", ProtocolId::kEsp);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(ToString(*both), "aes256gcm16-esn-noesn");
}

TEST(ProposalParser, RoundTripsEveryAlgorithm) {
  const char* ike_texts[] = {
      "aes128gcm16-prfsha256-modp2048", "aes192gcm16-prfsha384-modp3072",
      "aes256gcm16-prfsha512-modp4096", "chacha20poly1305-prfsha1-ecp256",
      "aes128-sha256-prfsha256-ecp384", "aes192-sha384-prfsha384-ecp521",
      "aes256-sha512-prfsha512-x25519", "aes256-sha1-prfsha1-x448",
  };
  for (const char* t : ike_texts) {
    auto r = ParseProposals(t, ProtocolId::kIke);
    ASSERT_TRUE(r.ok()) << t << ": " << r.status().ToString();
    EXPECT_EQ(ToString(*r), t);
    auto again = ParseProposals(ToString(*r), ProtocolId::kIke);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *r);
  }
  for (auto defaults : {DefaultIkeProposals(), DefaultEspProposals()}) {
    auto again = ParseProposals(ToString(defaults), defaults.front().protocol);
    ASSERT_TRUE(again.ok()) << ToString(defaults);
    EXPECT_EQ(*again, defaults);
  }
}

TEST(ProposalParser, SecureDefaults) {
  EXPECT_EQ(ToString(DefaultIkeProposals()),
            "aes256gcm16-prfsha384-x25519-ecp384-ecp256, chacha20poly1305-prfsha256-x25519-ecp256, "
            "aes256-sha256-prfsha256-modp3072-modp2048");
  EXPECT_EQ(ToString(DefaultEspProposals()), "aes256gcm16, chacha20poly1305, aes256-sha256");
  for (const auto& p : DefaultEspProposals()) EXPECT_EQ(p.protocol, ProtocolId::kEsp);
}

TEST(ProposalParser, UnnamedTransformsPrintTheirNumbers) {
  ike::Proposal p;
  p.transforms = {{TransformType::kEncr, Id(ike::EncrId::kAesCtr), 128},
                  {TransformType::kInteg, Id(ike::IntegId::kAesXcbc96), 0}};
  EXPECT_EQ(ToString(p), "encr13/128-integ5");
}

struct BadCase {
  const char* text;
  ProtocolId protocol;
  const char* error;
};

class ProposalErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ProposalErrors, SaysWhatIsWrong) {
  auto r = ParseProposals(GetParam().text, GetParam().protocol);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    All, ProposalErrors,
    ::testing::Values(
        BadCase{"aes256gcm16-sha256-x25519", ProtocolId::kIke,
                "AEAD aes256gcm16 takes no integrity algorithm (sha256) in proposal "
                "'aes256gcm16-sha256-x25519'"},
        BadCase{"aes256-x25519", ProtocolId::kIke,
                "aes256 needs an integrity algorithm such as sha256 in proposal 'aes256-x25519'"},
        BadCase{"aes256", ProtocolId::kEsp,
                "aes256 needs an integrity algorithm such as sha256 in proposal 'aes256'"},
        BadCase{"aes256gcm16-aes256-sha256-x25519", ProtocolId::kIke,
                "AEAD aes256gcm16 and aes256 cannot share a proposal in proposal "
                "'aes256gcm16-aes256-sha256-x25519'; separate them with ','"},
        BadCase{"aes256gcm16-prfsha256", ProtocolId::kIke,
                "no key exchange group such as x25519 in proposal 'aes256gcm16-prfsha256'"},
        BadCase{"sha256-x25519", ProtocolId::kIke,
                "no encryption algorithm in proposal 'sha256-x25519'"},
        BadCase{"aes256gcm16--x25519", ProtocolId::kIke,
                "empty algorithm in proposal 'aes256gcm16--x25519'"},
        BadCase{"aes256gcm16-x25519-x25519", ProtocolId::kIke,
                "'x25519' appears twice in proposal 'aes256gcm16-x25519-x25519'"},
        BadCase{"aes256gcm16,", ProtocolId::kEsp, "empty proposal (stray ',')"},
        BadCase{"aes256gcm16-prfsha256", ProtocolId::kEsp,
                "'prfsha256' is not allowed in esp proposals (valid: aes128gcm16 aes192gcm16 "
                "aes256gcm16 chacha20poly1305 aes128 aes192 aes256 sha256 sha384 sha512 sha1 "
                "x25519 x448 ecp256 ecp384 ecp521 modp2048 modp3072 modp4096 esn noesn "
                "curve25519 curve448)"},
        BadCase{"aes256gcm16-prfsha256-x25519-esn", ProtocolId::kIke,
                "'esn' is not allowed in ike proposals (valid: aes128gcm16 aes192gcm16 "
                "aes256gcm16 chacha20poly1305 aes128 aes192 aes256 sha256 sha384 sha512 sha1 "
                "prfsha256 prfsha384 prfsha512 prfsha1 x25519 x448 ecp256 ecp384 ecp521 "
                "modp2048 modp3072 modp4096 curve25519 curve448)"}));

TEST(ProposalParser, UnknownTokenListsValidOnes) {
  auto r = ParseProposals("aes257-sha256-x25519", ProtocolId::kIke);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().message().starts_with("unknown algorithm 'aes257' (valid: aes128gcm16 "))
      << r.status().message();
  auto weak = ParseProposals("aes128-sha256-modp1024", ProtocolId::kIke);
  ASSERT_FALSE(weak.ok());
  EXPECT_TRUE(weak.status().message().starts_with("unknown algorithm 'modp1024'"));
}

TEST(ProposalParser, LimitsTheNumberOfProposals) {
  std::string many;
  for (int i = 0; i < 33; ++i) many += i ? ",aes256gcm16" : "aes256gcm16";
  auto r = ParseProposals(many, ProtocolId::kEsp);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "more than 32 proposals");
}

}  // namespace
}  // namespace ikevpn::config
