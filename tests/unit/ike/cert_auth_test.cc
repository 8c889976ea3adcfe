// IKE_AUTH with certificates (RFC 7296 §2.15, §3.6, §3.7; RFC 7427;
// RFC 4754) between two engines in one process, with the PKI of
// data/make-certs.sh:
//   ca ─┬─ intermediate ── left-ecdsa      (left: DNS:left, IP:192.0.2.1)
//       ├─ right-ecdsa                     (right: DNS:right, IP:192.0.2.2)
//       └─ left-rsa, right-rsa, left-ed25519
//   other-ca: unrelated
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/base/log.h"
#include "daemon/ike/crypto/cert_validator.h"
#include "daemon/ike/crypto/certificate.h"
#include "daemon/ike/exchange/cert_auth.h"
#include "tests/unit/ike/two_peers.h"

namespace ikevpn::ike::testing {
namespace {

std::string Data(const std::string& name) { return std::string(IKEVPN_IKE_TEST_DATA) + "/" + name; }

crypto::Certificate LoadCert(const std::string& name) {
  auto certs = crypto::Certificate::LoadFile(Data(name));
  EXPECT_TRUE(certs.ok()) << certs.status().ToString();
  return certs->front();
}

// What FileCredentialStore would load for cert/key/ca (empty: not set).
ConnectionCredentials LoadCredentials(const std::string& cert, const std::string& key, const std::string& ca) {
  ConnectionCredentials c;
  if (!cert.empty()) {
    auto chain = crypto::Certificate::LoadFile(Data(cert));
    EXPECT_TRUE(chain.ok()) << chain.status().ToString();
    if (chain.ok()) c.chain = std::move(chain).value();
  }
  if (!key.empty()) {
    auto k = crypto::PrivateKey::LoadPemFile(Data(key));
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    c.key = std::make_shared<const crypto::PrivateKey>(std::move(k).value());
  }
  if (!ca.empty()) {
    auto v = crypto::CertValidator::Create();
    auto cas = crypto::Certificate::LoadFile(Data(ca));
    EXPECT_TRUE(cas.ok()) << cas.status().ToString();
    if (cas.ok()) {
      for (const crypto::Certificate& x : *cas) EXPECT_TRUE(v->AddCa(x).ok());
    }
    c.validator = std::make_shared<const crypto::CertValidator>(std::move(v).value());
  }
  return c;
}

constexpr const char* kLeftDn = "C=CH, O=ikevpn test, CN=left";
constexpr const char* kRightDn = "C=CH, O=ikevpn test, CN=right";

config::Identity Dn(const std::string& text) { return config::Identity{IdType::kDerAsn1Dn, {}, text}; }

class CertAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every test certificate is valid an hour after it was made.
    p.clock.SetWallSeconds(LoadCert("ca.pem").not_before() + 3600);
    Log::SetLevel(Subsys::kIke, LogLevel::kDebug);
    Log::SetSink([this](Subsys, LogLevel, std::string_view line) { log.emplace_back(line); });
  }
  void TearDown() override {
    Log::SetSink(nullptr);
    Log::SetLevel(Subsys::kIke, LogLevel::kInfo);
  }

  // A site-to-site connection where both sides use certificates and
  // identify by their subject DN (no local-id), each requiring the other's.
  static config::Connection Pubkey(bool left) {
    config::Connection c = SiteToSite("cert", left);
    c.auth = c.remote_auth = config::AuthMethod::kPubkey;
    c.psk.reset();
    c.local_id.reset();
    c.remote_id = Dn(left ? kRightDn : kLeftDn);
    return c;
  }
  // Loads `c` on `peer` with these files under data/.
  void Configure(Peer& peer, config::Connection c, const std::string& cert, const std::string& key,
                 const std::string& ca) {
    c.cert = cert.empty() ? "" : Data(cert);
    c.key = key.empty() ? "" : Data(key);
    c.ca = ca.empty() ? "" : Data(ca);
    peer.credentials.by_name[c.name] = LoadCredentials(cert, key, ca);
    peer.engine->SetConnections({std::make_shared<const config::Connection>(std::move(c))});
  }
  Status Connect() {
    Status result(Code::kInternal, "not called");
    p.left.engine->Initiate("cert", [&](Status s) { result = s; });
    p.Pump();
    return result;
  }
  bool Logged(const std::string& text) const {
    for (const std::string& line : log)
      if (line.find(text) != std::string::npos) return true;
    return false;
  }
  int CountLogged(const std::string& text) const {
    int n = 0;
    for (const std::string& line : log) n += line.find(text) != std::string::npos;
    return n;
  }
  // Both sides with P-256 certificates, left's from the intermediate CA.
  void ConfigureEcdsa(config::Connection l, config::Connection r, const std::string& right_ca = "ca.pem") {
    Configure(p.left, std::move(l), "left-ecdsa.pem", "left-ecdsa.key", "ca.pem");
    Configure(p.right, std::move(r), "right-ecdsa.pem", "right-ecdsa.key", right_ca);
  }
  // <-- HDR, SK {N(AUTHENTICATION_FAILED)}: the responder logged `why`,
  // neither side keeps an SA.
  void ExpectRejected(const std::string& why) {
    Status result = Connect();
    EXPECT_EQ(result.code(), Code::kAuthFailed) << result.ToString();
    EXPECT_TRUE(Logged(why)) << ::testing::PrintToString(log);
    ExpectNoSas();
  }
  void ExpectNoSas() {
    EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
    EXPECT_EQ(p.right.engine->ike_sa_count(), 0u);
    EXPECT_TRUE(p.left.kernel.sas.empty());
    EXPECT_TRUE(p.right.kernel.sas.empty());
  }

  TwoPeers p;
  std::vector<std::string> log;
};

TEST_F(CertAuthTest, EcdsaBothSidesUseDigitalSignature) {
  ConfigureEcdsa(Pubkey(true), Pubkey(false));
  // HDR, SAi1, KEi, Ni, N(SIGNATURE_HASH_ALGORITHMS) -->
  // <-- HDR, SAr1, KEr, Nr, CERTREQ, N(SIGNATURE_HASH_ALGORITHMS)
  // HDR, SK {IDi, CERT, CERT, CERTREQ, IDr, AUTH(14), SAi2, TSi, TSr} -->
  // <-- HDR, SK {IDr, CERT, AUTH(14), SAr2, TSi, TSr}
  Status result = Connect();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.left.engine->StateOf("cert"), api::ConnectionState::kUp);
  EXPECT_EQ(p.right.engine->StateOf("cert"), api::ConnectionState::kUp);
  EXPECT_EQ(p.left.kernel.sas.size(), 2u);
  // P-256 keys sign with SHA-256 (RFC 7427 §3, ecdsa-with-SHA256).
  EXPECT_EQ(CountLogged("signing with DIGITAL_SIGNATURE ecdsa-with-SHA256"), 2);
  EXPECT_EQ(CountLogged("peer signed with DIGITAL_SIGNATURE ecdsa-with-SHA256"), 2);
  // The identities are the subjects (ID_DER_ASN1_DN), shown as text.
  EXPECT_EQ(p.right.engine->ListIkeSas().at(0).remote_id, kLeftDn);
  EXPECT_EQ(p.left.engine->ListIkeSas().at(0).remote_id, kRightDn);
  // The end entity and the intermediate of left-ecdsa.pem, our CA request.
  EXPECT_TRUE(Logged("IKE_AUTH request 1 [ SK{ IDi CERT CERT CERTREQ IDr AUTH")) << ::testing::PrintToString(log);
  EXPECT_TRUE(Logged("IKE_AUTH response 1 [ SK{ IDr CERT AUTH")) << ::testing::PrintToString(log);
}

TEST_F(CertAuthTest, CertReqNamesOurCaBySpkiHash) {
  ConfigureEcdsa(Pubkey(true), Pubkey(false));
  std::vector<Message> init_responses;
  p.drop = [&](const Datagram& d) {
    auto m = DecodeMessage(d.data, nullptr);
    if (m.ok() && m->header.exchange == ExchangeType::kIkeSaInit && m->header.response())
      init_responses.push_back(std::move(m).value());
    return false;
  };
  ASSERT_TRUE(Connect().ok());
  // <-- HDR, SAr1, KEr, Nr, CERTREQ(SHA-1(SPKI of ca.pem)), ...
  ASSERT_EQ(init_responses.size(), 1u);
  const CertReqPayload* req = init_responses[0].Find<CertReqPayload>();
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->encoding, CertEncoding::kX509Signature);
  EXPECT_EQ(req->authorities, *LoadCert("ca.pem").SpkiSha1());
}

TEST_F(CertAuthTest, RsaBothSides) {
  Configure(p.left, Pubkey(true), "left-rsa.pem", "left-rsa.key", "ca.pem");
  Configure(p.right, Pubkey(false), "right-rsa.pem", "right-rsa.key", "ca.pem");
  Status result = Connect();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(CountLogged("signing with DIGITAL_SIGNATURE sha384WithRSAEncryption"), 2);
  EXPECT_EQ(p.right.engine->StateOf("cert"), api::ConnectionState::kUp);
}

TEST_F(CertAuthTest, Ed25519SignsWithIdentityHash) {
  Configure(p.left, Pubkey(true), "left-ed25519.pem", "left-ed25519.key", "ca.pem");
  Configure(p.right, Pubkey(false), "right-ecdsa.pem", "right-ecdsa.key", "ca.pem");
  Status result = Connect();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_TRUE(Logged("peer signed with DIGITAL_SIGNATURE Ed25519"));
}

// Identities other than the subject: the subjectAltNames (RFC 4945 §3.1).
TEST_F(CertAuthTest, FqdnAndAddressIdentitiesMatchSubjectAltNames) {
  config::Connection l = Pubkey(true);
  l.local_id = config::Identity{IdType::kFqdn, Bytes{'l', 'e', 'f', 't'}, "@left"};
  l.remote_id.reset();
  config::Connection r = Pubkey(false);
  r.remote_id = l.local_id;
  r.local_id = config::Identity{IdType::kIpv4Addr, Bytes{192, 0, 2, 2}, "192.0.2.2"};
  ConfigureEcdsa(l, r);
  Status result = Connect();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.right.engine->ListIkeSas().at(0).remote_id, "@left");
  EXPECT_EQ(p.left.engine->ListIkeSas().at(0).remote_id, "192.0.2.2");
}

// The initiator signs, the responder uses a PSK (auth / remote-auth).
TEST_F(CertAuthTest, CertificateOneWayPskTheOther) {
  config::Connection l = SiteToSite("cert", true);
  l.auth = config::AuthMethod::kPubkey;
  l.local_id.reset();
  config::Connection r = SiteToSite("cert", false);
  r.remote_auth = config::AuthMethod::kPubkey;
  r.remote_id = Dn(kLeftDn);
  Configure(p.left, l, "left-ecdsa.pem", "left-ecdsa.key", "");
  Configure(p.right, r, "", "", "ca.pem");
  Status result = Connect();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(p.right.engine->StateOf("cert"), api::ConnectionState::kUp);
  // Only the side that checks certificates asks for them.
  EXPECT_TRUE(Logged("IKE_AUTH request 1 [ SK{ IDi CERT CERT IDr AUTH")) << ::testing::PrintToString(log);
  EXPECT_TRUE(Logged("IKE_AUTH response 1 [ SK{ IDr AUTH")) << ::testing::PrintToString(log);
}

TEST_F(CertAuthTest, SignatureWhereAPskIsRequiredFails) {
  config::Connection r = Pubkey(false);
  r.remote_auth = config::AuthMethod::kPsk;
  r.psk = SiteToSite("cert", false).psk;
  Configure(p.left, Pubkey(true), "left-ecdsa.pem", "left-ecdsa.key", "ca.pem");
  Configure(p.right, r, "right-ecdsa.pem", "right-ecdsa.key", "");
  ExpectRejected("peer used a signature, we require a pre-shared key");
}

TEST_F(CertAuthTest, UnknownCaIsRejectedWithAuthenticationFailed) {
  ConfigureEcdsa(Pubkey(true), Pubkey(false), "other-ca.pem");
  ExpectRejected("certificate CN=left,O=ikevpn test,C=CH does not validate: unable to get local issuer "
                 "certificate (CA in " + Data("other-ca.pem") + ")");
}

// RFC 7296 §2.21.2: the responder's AUTH does not verify, but the
// responder has installed its CHILD_SA; the initiator tells it so and
// deletes the IKE SA. Both report an authentication failure (typed, not by
// the reason's wording).
TEST_F(CertAuthTest, InitiatorRejectsResponderFromUnknownCa) {
  Configure(p.left, Pubkey(true), "left-ecdsa.pem", "left-ecdsa.key", "other-ca.pem");
  Configure(p.right, Pubkey(false), "right-ecdsa.pem", "right-ecdsa.key", "ca.pem");
  // HDR, SK {IDi, CERT, CERT, CERTREQ, IDr, AUTH, SAi2, TSi, TSr} -->
  // <-- HDR, SK {IDr, CERT, AUTH, SAr2, TSi, TSr}     (responder: up)
  // HDR, SK {N(AUTHENTICATION_FAILED)} -->
  // <-- HDR, SK {}
  Status result = Connect();
  EXPECT_EQ(result.code(), Code::kAuthFailed) << result.ToString();
  EXPECT_TRUE(Logged("authentication of " + std::string(kRightDn) + " failed: certificate CN=right"));
  EXPECT_TRUE(Logged("INFORMATIONAL request 2 [ SK{ N(AUTHENTICATION_FAILED) }")) << ::testing::PrintToString(log);
  EXPECT_TRUE(Logged("peer reported AUTHENTICATION_FAILED: authentication failed"));
  ExpectNoSas();
  EXPECT_FALSE(p.right.interfaces.up(1));
  for (Peer* peer : {&p.left, &p.right}) {
    bool auth_failure = false;
    for (const api::Event& e : peer->events)
      if (e.kind == api::EventKind::kFailed) auth_failure = e.cause == api::DownCause::kAuthFailed;
    EXPECT_TRUE(auth_failure) << (peer == &p.left ? "left" : "right");
  }
}

// The typed failure, not the words: a reason that says "authentication
// failed" without an authentication failure is an ordinary failure.
TEST_F(CertAuthTest, AuthFailureIsTypedNotReadFromTheReason) {
  // No certificate loaded: the reason quotes the path, which says
  // "authentication failed" but is none.
  config::Connection l = Pubkey(true);
  l.cert = "/etc/ikevpn/authentication failed.pem";
  p.left.credentials.by_name[l.name] = LoadCredentials("", "left-ecdsa.key", "ca.pem");
  p.left.engine->SetConnections({std::make_shared<const config::Connection>(l)});
  Configure(p.right, Pubkey(false), "right-ecdsa.pem", "right-ecdsa.key", "ca.pem");
  Status result = Connect();
  EXPECT_EQ(result.code(), Code::kRetry) << result.ToString();
  EXPECT_NE(result.message().find("authentication failed"), std::string::npos) << result.ToString();
  int failed = 0;
  for (const api::Event& e : p.left.events) {
    if (e.kind != api::EventKind::kFailed) continue;
    ++failed;
    EXPECT_NE(e.cause, api::DownCause::kAuthFailed) << e.reason;
  }
  EXPECT_EQ(failed, 1);
}

TEST_F(CertAuthTest, IdNotInTheCertificateIsRejected) {
  config::Connection l = Pubkey(true);
  l.local_id = config::Identity{IdType::kFqdn, Bytes{'x'}, "@x"};
  config::Connection r = Pubkey(false);
  r.remote_id.reset();  // any identity the certificate speaks for
  ConfigureEcdsa(l, r);
  ExpectRejected("ID @x does not match the certificate CN=left,O=ikevpn test,C=CH");
}

TEST_F(CertAuthTest, ValidCertificateOfAnotherIdentityIsRejected) {
  config::Connection r = Pubkey(false);
  r.remote_id = Dn("C=CH, O=ikevpn test, CN=someone else");
  ConfigureEcdsa(Pubkey(true), r);
  ExpectRejected("peer identity C=CH, O=ikevpn test, CN=left is not the configured C=CH, O=ikevpn test, CN=someone");
}

TEST_F(CertAuthTest, ExpiredCertificateIsRejected) {
  ConfigureEcdsa(Pubkey(true), Pubkey(false));
  p.clock.SetWallSeconds(LoadCert("left-ecdsa.pem").not_after() + 1);
  ExpectRejected("does not validate: certificate has expired");
}

TEST_F(CertAuthTest, KeyOfAnotherCertificateFailsTheSignatureCheck) {
  Configure(p.left, Pubkey(true), "left-ecdsa.pem", "right-ecdsa.key", "ca.pem");
  Configure(p.right, Pubkey(false), "right-ecdsa.pem", "right-ecdsa.key", "ca.pem");
  ExpectRejected("signature check failed");
}

// The initiator cannot build its request; the responder's half-open SA
// waits for its timeout.
TEST_F(CertAuthTest, InitiatorWithoutCertificateGivesUp) {
  Configure(p.left, Pubkey(true), "", "left-ecdsa.key", "ca.pem");
  Configure(p.right, Pubkey(false), "right-ecdsa.pem", "right-ecdsa.key", "ca.pem");
  EXPECT_FALSE(Connect().ok());
  EXPECT_TRUE(Logged("no certificate loaded (cert = )")) << ::testing::PrintToString(log);
  EXPECT_EQ(p.left.engine->ike_sa_count(), 0u);
  EXPECT_NE(p.right.engine->StateOf("cert"), api::ConnectionState::kUp);
}

TEST_F(CertAuthTest, ResponderWithoutKeyAnswersAuthenticationFailed) {
  Configure(p.left, Pubkey(true), "left-ecdsa.pem", "left-ecdsa.key", "ca.pem");
  Configure(p.right, Pubkey(false), "right-ecdsa.pem", "", "ca.pem");
  ExpectRejected("cannot authenticate ourselves: no private key loaded (key = )");
}

// RFC 7427 §4: method 14 with a hash both sides know, else RFC 4754 / RFC
// 7296 methods.
TEST(ChooseSignature, PrefersDigitalSignatureWithTheKeysHash) {
  using H = HashAlgorithm;
  const std::vector<H> all = {H::kSha2_256, H::kSha2_384, H::kSha2_512, H::kIdentity};
  auto p256 = ChooseSignature(crypto::KeyType::kEcdsaP256, all, false);
  EXPECT_EQ(p256->method, AuthMethod::kDigitalSignature);
  EXPECT_EQ(p256->scheme, crypto::SignatureScheme::kEcdsaSha256);
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kEcdsaP521, all, false)->scheme, crypto::SignatureScheme::kEcdsaSha512);
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kRsa, all, false)->scheme, crypto::SignatureScheme::kRsaPkcs1Sha384);
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kEd25519, all, false)->scheme, crypto::SignatureScheme::kEd25519);
  // A peer with SHA-512 only.
  const std::vector<H> sha512 = {H::kSha2_512};
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kEcdsaP256, sha512, false)->scheme,
            crypto::SignatureScheme::kEcdsaSha512);
}

TEST(ChooseSignature, PeersWithoutRfc7427GetLegacyMethods) {
  auto p384 = ChooseSignature(crypto::KeyType::kEcdsaP384, {}, false);
  EXPECT_EQ(p384->method, AuthMethod::kEcdsaSha384P384);
  EXPECT_FALSE(p384->scheme.has_value());
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kEcdsaP256, {}, false)->method, AuthMethod::kEcdsaSha256P256);
  // RSA with SHA-1 only when allowed; Ed25519 never.
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kRsa, {}, false).status().code(), Code::kUnsupported);
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kRsa, {}, true)->method, AuthMethod::kRsaSig);
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kEd25519, {}, true).status().code(), Code::kUnsupported);
  const std::vector<HashAlgorithm> sha1 = {HashAlgorithm::kSha1};
  EXPECT_EQ(ChooseSignature(crypto::KeyType::kEcdsaP256, sha1, false)->method, AuthMethod::kEcdsaSha256P256);
}

}  // namespace
}  // namespace ikevpn::ike::testing
