// Certificates and chain validation with the PKI from data/make-certs.sh:
//   root-ca ─┬─ inter-ca ── ee-ecdsa   (SANs: gw.example.org, gw@example.org,
//            │                          192.0.2.1, 2001:db8::1)
//            └─ ee-rsa                 (SAN: rsa.example.org)
//   other-ca: unrelated root
#include <gtest/gtest.h>

#include "daemon/ike/crypto/cert_validator.h"
#include "daemon/ike/crypto/certificate.h"
#include "daemon/ike/crypto/hash.h"
#include "daemon/ike/crypto/signature_auth.h"
#include "tests/unit/crypto/test_util.h"

namespace ikevpn::crypto {
namespace {

using namespace testing;  // NOLINT: test helpers

class CertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = CertValidator::Create();
    ASSERT_TRUE(v.ok());
    validator_ = std::make_unique<CertValidator>(std::move(v).value());
    ASSERT_TRUE(validator_->AddCa(root_).ok());
  }
  // A time at which every test certificate is valid.
  int64_t Now() const { return ee_.not_before() + 3600; }

  Certificate root_ = LoadCert("root-ca.pem");
  Certificate inter_ = LoadCert("inter-ca.pem");
  Certificate ee_ = LoadCert("ee-ecdsa.pem");
  Certificate rsa_ = LoadCert("ee-rsa.pem");
  Certificate other_ = LoadCert("other-ca.pem");
  std::unique_ptr<CertValidator> validator_;
};

TEST_F(CertTest, Fields) {
  EXPECT_EQ(ee_.SubjectText(), "CN=gw.example.org,O=ikevpn test");
  EXPECT_EQ(ee_.IssuerText(), "CN=ikevpn test intermediate CA,O=ikevpn test");
  SubjectAltNames san = ee_.AltNames();
  EXPECT_EQ(san.dns, std::vector<std::string>{"gw.example.org"});
  EXPECT_EQ(san.email, std::vector<std::string>{"gw@example.org"});
  ASSERT_EQ(san.ip.size(), 2u);
  EXPECT_EQ(san.ip[0].ToString(), "192.0.2.1");
  EXPECT_EQ(san.ip[1].ToString(), "2001:db8::1");
  EXPECT_LT(ee_.not_before(), ee_.not_after());
  auto key = ee_.GetPublicKey();
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->type(), KeyType::kEcdsaP256);
  EXPECT_EQ(rsa_.GetPublicKey()->type(), KeyType::kRsa);
}

TEST_F(CertTest, DerRoundTripAndPemBundle) {
  auto again = Certificate::LoadDer(ee_.der());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->der(), ee_.der());
  Bytes trailing = ee_.der();
  trailing.push_back(0);
  EXPECT_EQ(Certificate::LoadDer(trailing).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Certificate::LoadDer(Hex("3003020101")).status().code(), Code::kInvalidArgument);
  std::string bundle;
  for (const char* f : {"ee-ecdsa.pem", "inter-ca.pem"}) {
    FILE* fp = fopen(DataPath(f).c_str(), "r");
    ASSERT_NE(fp, nullptr);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    bundle.append(buf, n);
  }
  auto certs = Certificate::LoadPem(Text(bundle));
  ASSERT_TRUE(certs.ok());
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ((*certs)[1].der(), inter_.der());
  EXPECT_EQ(Certificate::LoadPem(Text("nothing")).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Certificate::LoadFile("/nonexistent.pem").status().code(), Code::kNotFound);
}

TEST_F(CertTest, ChainValidates) {
  const Certificate chain[] = {inter_};
  EXPECT_TRUE(validator_->Validate(ee_, chain, Now()).ok());
  EXPECT_TRUE(validator_->Validate(rsa_, {}, Now()).ok());
}

TEST_F(CertTest, MissingIntermediateFails) {
  Status s = validator_->Validate(ee_, {}, Now());
  EXPECT_EQ(s.code(), Code::kAuthFailed);
  EXPECT_NE(s.message().find("issuer"), std::string::npos) << s.message();
}

TEST_F(CertTest, WrongCaFails) {
  auto v = CertValidator::Create();
  ASSERT_TRUE(v->AddCa(other_).ok());
  const Certificate chain[] = {inter_};
  EXPECT_EQ(v->Validate(ee_, chain, Now()).code(), Code::kAuthFailed);
  EXPECT_EQ(v->Validate(rsa_, {}, Now()).code(), Code::kAuthFailed);
}

TEST_F(CertTest, ExpiredAndNotYetValidFail) {
  const Certificate chain[] = {inter_};
  Status expired = validator_->Validate(ee_, chain, ee_.not_after() + 1);
  EXPECT_EQ(expired.code(), Code::kAuthFailed);
  EXPECT_NE(expired.message().find("expired"), std::string::npos) << expired.message();
  EXPECT_EQ(validator_->Validate(ee_, chain, ee_.not_before() - 1).code(), Code::kAuthFailed);
}

TEST_F(CertTest, TrustedIntermediateIsEnough) {
  auto v = CertValidator::Create();
  ASSERT_TRUE(v->AddCa(inter_).ok());
  EXPECT_TRUE(v->Validate(ee_, {}, Now()).ok());
  EXPECT_EQ(v->Validate(rsa_, {}, Now()).code(), Code::kAuthFailed);
}

TEST_F(CertTest, IdentityMatching) {
  EXPECT_TRUE(MatchIdentity(ee_, ike::IdType::kFqdn, Text("gw.example.org")).ok());
  EXPECT_TRUE(MatchIdentity(ee_, ike::IdType::kFqdn, Text("GW.Example.ORG")).ok());
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kFqdn, Text("evil.example.org")).code(), Code::kAuthFailed);
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kFqdn, Text("gw.example.org.evil")).code(), Code::kAuthFailed);
  EXPECT_TRUE(MatchIdentity(ee_, ike::IdType::kRfc822Addr, Text("gw@example.org")).ok());
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kRfc822Addr, Text("gw.example.org")).code(), Code::kAuthFailed);
  EXPECT_TRUE(MatchIdentity(ee_, ike::IdType::kIpv4Addr, Hex("c0000201")).ok());
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kIpv4Addr, Hex("c0000202")).code(), Code::kAuthFailed);
  EXPECT_TRUE(MatchIdentity(ee_, ike::IdType::kIpv6Addr, Hex("20010db8000000000000000000000001")).ok());
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kIpv6Addr, Hex("c0000201")).code(), Code::kAuthFailed);
  EXPECT_TRUE(MatchIdentity(ee_, ike::IdType::kDerAsn1Dn, ee_.SubjectDer()).ok());
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kDerAsn1Dn, inter_.SubjectDer()).code(), Code::kAuthFailed);
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kDerAsn1Dn, Hex("3003")).code(), Code::kAuthFailed);
  // The RSA certificate speaks for rsa.example.org only.
  EXPECT_EQ(MatchIdentity(rsa_, ike::IdType::kFqdn, Text("gw.example.org")).code(), Code::kAuthFailed);
  EXPECT_EQ(MatchIdentity(ee_, ike::IdType::kKeyId, Text("x")).code(), Code::kUnsupported);
}

// RFC 7296 §3.7: the CA is named by SHA-1 of its SubjectPublicKeyInfo.
TEST_F(CertTest, CertReqAuthorities) {
  auto key = root_.GetPublicKey();
  auto spki_hash = Sha1(*key->SpkiDer());
  auto hash = root_.SpkiSha1();
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->size(), 20u);
  EXPECT_EQ(*hash, *spki_hash);
  ASSERT_TRUE(validator_->AddCa(other_).ok());
  auto all = validator_->CertReqAuthorities();
  ASSERT_TRUE(all.ok());
  Bytes expected = *hash;
  Bytes other_hash = *other_.SpkiSha1();
  expected.insert(expected.end(), other_hash.begin(), other_hash.end());
  EXPECT_EQ(*all, expected);
  EXPECT_EQ(validator_->ca_count(), 2u);
}

// The certificate's key checks AUTH made with the matching private key.
TEST_F(CertTest, CertificateKeyVerifiesAuth) {
  PrivateKey key = LoadKey("ee-ecdsa.key");
  const Bytes octets = Hex("0102030405");
  auto auth = BuildDigitalSignatureAuth(key, SignatureScheme::kEcdsaSha256, octets);
  ASSERT_TRUE(auth.ok());
  EXPECT_TRUE(VerifySignatureAuth(*ee_.GetPublicKey(), ike::AuthMethod::kDigitalSignature, *auth, octets).ok());
  EXPECT_FALSE(VerifySignatureAuth(*root_.GetPublicKey(), ike::AuthMethod::kDigitalSignature, *auth, octets).ok());
}

}  // namespace
}  // namespace ikevpn::crypto
