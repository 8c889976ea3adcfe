// Messages captured from strongSwan 5.9.8 (data/capture.sh): two charons,
// PSK, one CHILD_SA, with AES-GCM-16-256 ("gcm") and AES-CBC-128 +
// HMAC-SHA2-256-128 ("cbc"). IKE_SA_INIT is decoded and checked field by
// field; IKE_AUTH and INFORMATIONAL are decrypted with the keys charon
// logged (filelog ike=4) and checked too.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "daemon/ike/message/message.h"
#include "daemon/ike/message/payload_rules.h"
#include "tests/unit/message/test_util.h"

namespace ikevpn::ike {
namespace {

using testing::H;
using testing::ReadDataFile;

std::map<std::string, Bytes> ReadKeys(const std::string& suite) {
  std::ifstream f(std::string(IKEVPN_MESSAGE_TEST_DATA) + "/" + suite + "_keys.txt");
  std::map<std::string, Bytes> keys;
  std::string line;
  while (std::getline(f, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) keys[line.substr(0, eq)] = H(line.substr(eq + 1));
  }
  return keys;
}

// The Cipher for one direction: "i" (initiator -> responder) or "r".
std::unique_ptr<crypto::Cipher> CaptureCipher(const std::string& suite, char dir) {
  auto keys = ReadKeys(suite);
  std::string d(1, dir);
  crypto::CipherSpec spec = suite == "gcm"
                                ? crypto::CipherSpec{EncrId::kAesGcm16, 256, IntegId::kNone}
                                : crypto::CipherSpec{EncrId::kAesCbc, 128, IntegId::kHmacSha2_256_128};
  auto c = crypto::Cipher::Create(spec, SecretBytes(keys["sk_e" + d]), SecretBytes(keys["sk_a" + d]));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

Message Decode(const std::string& file, crypto::Cipher* cipher = nullptr) {
  Bytes wire = ReadDataFile(file);
  EXPECT_FALSE(wire.empty()) << file;
  auto m = DecodeMessage(wire, cipher);
  EXPECT_TRUE(m.ok()) << file << ": " << (m.ok() ? "" : m.failure().ToString());
  if (!m.ok()) return {};
  auto rules = CheckPayloadRules(*m);
  EXPECT_TRUE(rules.ok()) << file << ": " << (rules.ok() ? "" : rules.failure().ToString());
  return std::move(m).value();
}

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

constexpr uint64_t kGcmSpiI = 0x59b7b913fb7f2ffeull;
constexpr uint64_t kGcmSpiR = 0xb080002a3dc04e87ull;

TEST(StrongSwan, IkeSaInitRequestGcm) {
  Message m = Decode("gcm_01_ike_sa_init_req.bin");
  EXPECT_EQ(m.header.spi_i, kGcmSpiI);
  EXPECT_EQ(m.header.spi_r, 0u);
  EXPECT_EQ(m.header.exchange, ExchangeType::kIkeSaInit);
  EXPECT_EQ(m.header.flags, kFlagInitiator);
  EXPECT_EQ(m.header.message_id, 0u);
  EXPECT_EQ(m.header.length, 232u);
  EXPECT_EQ(m.Summary(),
            "IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) "
            "N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) "
            "N(SIGNATURE_HASH_ALGORITHMS) N(REDIRECT_SUPPORTED) ]");
  // proposals = aes256gcm16-prfsha256-x25519
  const SaPayload* sa = m.Find<SaPayload>();
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  const Proposal& p = sa->proposals[0];
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.protocol, ProtocolId::kIke);
  EXPECT_TRUE(p.spi.empty());
  EXPECT_EQ(p.transforms,
            (std::vector<Transform>{
                {TransformType::kEncr, static_cast<uint16_t>(EncrId::kAesGcm16), 256},
                {TransformType::kPrf, static_cast<uint16_t>(PrfId::kHmacSha2_256), 0},
                {TransformType::kKe, static_cast<uint16_t>(KeId::kCurve25519), 0}}));
  const KePayload* ke = m.Find<KePayload>();
  EXPECT_EQ(ke->group, KeId::kCurve25519);
  EXPECT_EQ(ke->data.size(), 32u);
  EXPECT_EQ(m.Find<NoncePayload>()->nonce.size(), 32u);
  EXPECT_EQ(m.FindNotify(NotifyType::kNatDetectionSourceIp)->data.size(), kNatDetectionHashSize);
  EXPECT_TRUE(m.FindNotify(NotifyType::kIkev2FragmentationSupported)->data.empty());
  // RFC 7427: SHA2-256, SHA2-384, SHA2-512, Identity.
  EXPECT_EQ(m.FindNotify(NotifyType::kSignatureHashAlgorithms)->data, H("0002000300040005"));
  EXPECT_TRUE(m.HasNotify(NotifyType::kRedirectSupported));
  EXPECT_TRUE(m.skipped.empty());
}

TEST(StrongSwan, IkeSaInitResponseGcm) {
  Message m = Decode("gcm_02_ike_sa_init_resp.bin");
  EXPECT_EQ(m.header.spi_i, kGcmSpiI);
  EXPECT_EQ(m.header.spi_r, kGcmSpiR);
  EXPECT_EQ(m.header.flags, kFlagResponse);
  EXPECT_EQ(m.header.length, 240u);
  EXPECT_EQ(m.Summary(),
            "IKE_SA_INIT response 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) "
            "N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) "
            "N(SIGNATURE_HASH_ALGORITHMS) N(CHILDLESS_IKEV2_SUPPORTED) "
            "N(MULTIPLE_AUTH_SUPPORTED) ]");
  const SaPayload* sa = m.Find<SaPayload>();
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].transforms[0],
            (Transform{TransformType::kEncr, static_cast<uint16_t>(EncrId::kAesGcm16), 256}));
  EXPECT_EQ(m.Find<KePayload>()->group, KeId::kCurve25519);
}

TEST(StrongSwan, IkeSaInitRequestCbc) {
  Message m = Decode("cbc_01_ike_sa_init_req.bin");
  // proposals = aes128-sha256-x25519: ENCR AES-CBC-128, INTEG
  // HMAC-SHA2-256-128, PRF HMAC-SHA2-256, KE x25519.
  const SaPayload* sa = m.Find<SaPayload>();
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].transforms,
            (std::vector<Transform>{
                {TransformType::kEncr, static_cast<uint16_t>(EncrId::kAesCbc), 128},
                {TransformType::kInteg, static_cast<uint16_t>(IntegId::kHmacSha2_256_128), 0},
                {TransformType::kPrf, static_cast<uint16_t>(PrfId::kHmacSha2_256), 0},
                {TransformType::kKe, static_cast<uint16_t>(KeId::kCurve25519), 0}}));
  EXPECT_TRUE(m.HasNotify(NotifyType::kIkev2FragmentationSupported));
}

TEST(StrongSwan, CapturedPlaintextReencodesByteForByte) {
  for (const char* f : {"gcm_01_ike_sa_init_req.bin", "gcm_02_ike_sa_init_resp.bin",
                        "cbc_01_ike_sa_init_req.bin", "cbc_02_ike_sa_init_resp.bin"}) {
    Bytes wire = ReadDataFile(f);
    auto m = DecodeMessage(wire, nullptr);
    ASSERT_TRUE(m.ok()) << f;
    auto again = EncodeMessage(m->header, m->payloads);
    ASSERT_TRUE(again.ok()) << f;
    EXPECT_EQ(*again, wire) << f;
  }
}

TEST(StrongSwan, IkeAuthNeedsKeys) {
  auto m = DecodeMessage(ReadDataFile("gcm_03_ike_auth_req.bin"), nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kNoKeys);
  auto h = ParseHeader(ReadDataFile("gcm_03_ike_auth_req.bin"));
  ASSERT_TRUE(h.ok());  // phase one needs no keys
  EXPECT_EQ(h->spi_r, kGcmSpiR);
  EXPECT_EQ(h->next_payload, PayloadType::kSk);
}

class StrongSwanAuth : public ::testing::TestWithParam<std::string> {};

TEST_P(StrongSwanAuth, IkeAuthRequestDecrypts) {
  const std::string suite = GetParam();
  auto cipher = CaptureCipher(suite, 'i');
  ASSERT_NE(cipher, nullptr);
  Message m = Decode(suite + "_03_ike_auth_req.bin", cipher.get());
  EXPECT_TRUE(m.encrypted);
  EXPECT_EQ(m.header.message_id, 1u);
  EXPECT_EQ(m.Summary(),
            "IKE_AUTH request 1 [ SK{ IDi N(INITIAL_CONTACT) IDr AUTH SA TSi TSr "
            "N(MOBIKE_SUPPORTED) N(NO_ADDITIONAL_ADDRESSES) N(MULTIPLE_AUTH_SUPPORTED) "
            "N(EAP_ONLY_AUTHENTICATION) N(IKEV2_MESSAGE_ID_SYNC_SUPPORTED) } ]");
  const IdiPayload* idi = m.Find<IdiPayload>();
  EXPECT_EQ(idi->type, IdType::kFqdn);
  EXPECT_EQ(Text(idi->data), "initiator.codec.test");
  EXPECT_EQ(Text(m.Find<IdrPayload>()->data), "responder.codec.test");
  const AuthPayload* auth = m.Find<AuthPayload>();
  EXPECT_EQ(auth->method, AuthMethod::kSharedKey);
  EXPECT_EQ(auth->data.size(), 32u);  // prf HMAC-SHA2-256
  const SaPayload* sa = m.Find<SaPayload>();
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].protocol, ProtocolId::kEsp);
  EXPECT_EQ(sa->proposals[0].spi.size(), 4u);
  EXPECT_EQ(sa->proposals[0].transforms.back(),
            (Transform{TransformType::kEsn, static_cast<uint16_t>(EsnId::kNoEsn), 0}));
  EXPECT_EQ(m.Find<TsiPayload>()->selectors,
            TrafficSelectors{*TrafficSelector::Parse("10.251.1.0/24")});
  EXPECT_EQ(m.Find<TsrPayload>()->selectors,
            TrafficSelectors{*TrafficSelector::Parse("10.251.2.0/24")});
}

TEST_P(StrongSwanAuth, IkeAuthResponseDecrypts) {
  const std::string suite = GetParam();
  auto cipher = CaptureCipher(suite, 'r');
  Message m = Decode(suite + "_04_ike_auth_resp.bin", cipher.get());
  EXPECT_EQ(m.Summary(),
            "IKE_AUTH response 1 [ SK{ IDr AUTH SA TSi TSr N(MOBIKE_SUPPORTED) "
            "N(NO_ADDITIONAL_ADDRESSES) } ]");
  EXPECT_EQ(Text(m.Find<IdrPayload>()->data), "responder.codec.test");
  EXPECT_EQ(m.Find<SaPayload>()->proposals[0].transforms[0].id,
            static_cast<uint16_t>(suite == "gcm" ? EncrId::kAesGcm16 : EncrId::kAesCbc));
  // The initiator's key does not open the responder's message.
  auto wrong = CaptureCipher(suite, 'i');
  auto bad = DecodeMessage(ReadDataFile(suite + "_04_ike_auth_resp.bin"), wrong.get());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), DecodeError::kIntegrityCheckFailed);
}

TEST_P(StrongSwanAuth, DeleteExchangeDecrypts) {
  const std::string suite = GetParam();
  auto ci = CaptureCipher(suite, 'i');
  auto cr = CaptureCipher(suite, 'r');
  Message req = Decode(suite + "_05_informational_req.bin", ci.get());
  EXPECT_EQ(req.Summary(), "INFORMATIONAL request 2 [ SK{ D } ]");
  EXPECT_EQ(req.Find<DeletePayload>()->protocol, ProtocolId::kIke);
  Message resp = Decode(suite + "_06_informational_resp.bin", cr.get());
  EXPECT_EQ(resp.Summary(), "INFORMATIONAL response 2 [ SK{ } ]");
}

TEST_P(StrongSwanAuth, ReencryptedIkeAuthDecodesTheSame) {
  // Our encoder, given strongSwan's decoded payloads and the same keys,
  // produces a message that decodes to the same payloads.
  const std::string suite = GetParam();
  auto ci = CaptureCipher(suite, 'i');
  Message m = Decode(suite + "_03_ike_auth_req.bin", ci.get());
  DeterministicRng rng(3);
  auto wire = EncodeProtectedMessage(m.header, m.payloads, *ci, rng);
  ASSERT_TRUE(wire.ok());
  auto back = DecodeMessage(*wire, ci.get());
  ASSERT_TRUE(back.ok()) << back.failure().ToString();
  EXPECT_EQ(back->payloads, m.payloads);
}

INSTANTIATE_TEST_SUITE_P(Suites, StrongSwanAuth, ::testing::Values("gcm", "cbc"));

}  // namespace
}  // namespace ikevpn::ike
