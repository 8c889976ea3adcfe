// The one table of allowed payloads per exchange (payload_rules.h).
#include "daemon/ike/message/payload_rules.h"

#include <gtest/gtest.h>

#include "tests/unit/message/sample_messages.h"

namespace ikevpn::ike {
namespace {

using testing::Filled;

Message Make(ExchangeType x, bool response, Payloads payloads, bool encrypted = true) {
  Message m;
  m.header = testing::SampleHeader(x, 1, response);
  m.payloads = std::move(payloads);
  m.encrypted = encrypted && x != ExchangeType::kIkeSaInit;
  m.plaintext_count = m.encrypted ? 0 : m.payloads.size();
  return m;
}

DecodeError Err(const Message& m) {
  auto st = CheckPayloadRules(m);
  EXPECT_FALSE(st.ok()) << m.Summary();
  return st.ok() ? DecodeError::kInvalidSyntax : st.error();
}

const Payload kSa = SaPayload{{Proposal{}}};
const Payload kKe = KePayload{KeId::kCurve25519, Filled(32, 1)};
const Payload kNonce = NoncePayload{Filled(32, 1)};
const Payload kIdi = IdiPayload{IdType::kFqdn, Filled(4, 1)};
const Payload kIdr = IdrPayload{IdType::kFqdn, Filled(4, 1)};
const Payload kAuth = AuthPayload{AuthMethod::kSharedKey, Filled(32, 1)};
const Payload kTsi = TsiPayload{};
const Payload kTsr = TsrPayload{};
const Payload kEap = EapPayload{Filled(5, 1)};

// HDR, SAi1, KEi, Ni -->
TEST(PayloadRules, IkeSaInit) {
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeSaInit, false, testing::SampleIkeSaInitPayloads())).ok());
  EXPECT_EQ(Err(Make(ExchangeType::kIkeSaInit, false, {kSa, kNonce})), DecodeError::kPayloadMissing);
  EXPECT_EQ(Err(Make(ExchangeType::kIkeSaInit, false, {kSa, kKe, kNonce, kAuth})),
            DecodeError::kPayloadNotAllowed);
  EXPECT_EQ(Err(Make(ExchangeType::kIkeSaInit, false, {kSa, kKe, kNonce, kNonce})),
            DecodeError::kPayloadNotAllowed);
  // <-- HDR, N(COOKIE)  and  <-- HDR, N(INVALID_KE_PAYLOAD)
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeSaInit, true,
                                     {MakeNotify(NotifyType::kCookie, Filled(16, 1))}))
                  .ok());
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeSaInit, true,
                                     {MakeNotify(NotifyType::kInvalidKePayload, {0, 19})}))
                  .ok());
  // A request gets no such exemption.
  EXPECT_EQ(Err(Make(ExchangeType::kIkeSaInit, false,
                     {MakeNotify(NotifyType::kInvalidKePayload, {0, 19})})),
            DecodeError::kPayloadMissing);
  // IKE_SA_INIT must not be encrypted.
  Message enc = Make(ExchangeType::kIkeSaInit, false, {kSa, kKe, kNonce});
  enc.encrypted = true;
  EXPECT_EQ(Err(enc), DecodeError::kPayloadNotAllowed);
}

// HDR, SK {IDi, [CERT+,] [N+,] [CERTREQ+,] [IDr,] AUTH, [CP,] SAi2, TSi, TSr, [V+]} -->
TEST(PayloadRules, IkeAuth) {
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, false, testing::SampleIkeAuthPayloads())).ok());
  // Childless (RFC 6023): no SA/TS at all is fine; a partial set is not.
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, false, {kIdi, kAuth})).ok());
  EXPECT_EQ(Err(Make(ExchangeType::kIkeAuth, false, {kIdi, kAuth, kSa, kTsi})),
            DecodeError::kPayloadMissing);
  // EAP: first request without AUTH, then EAP rounds, then AUTH alone.
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, false, {kIdi, kSa, kTsi, kTsr})).ok());
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, false, {kEap})).ok());
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, false, {kAuth})).ok());
  EXPECT_EQ(Err(Make(ExchangeType::kIkeAuth, false, {MakeNotify(NotifyType::kInitialContact)})),
            DecodeError::kPayloadMissing);
  EXPECT_EQ(Err(Make(ExchangeType::kIkeAuth, false, {kIdi, kAuth, kKe})),
            DecodeError::kPayloadNotAllowed);
  EXPECT_EQ(Err(Make(ExchangeType::kIkeAuth, false, {kIdi, kIdi, kAuth})),
            DecodeError::kPayloadNotAllowed);
  // Must be inside SK.
  EXPECT_EQ(Err(Make(ExchangeType::kIkeAuth, false, {kIdi, kAuth}, false)), DecodeError::kPayloadMissing);
  Message mixed = Make(ExchangeType::kIkeAuth, false, {kIdi, kAuth});
  mixed.plaintext_count = 1;
  EXPECT_EQ(Err(mixed), DecodeError::kPayloadNotAllowed);
  // <-- HDR, SK {IDr, AUTH, N(TS_UNACCEPTABLE)}: the child failed, IKE SA up.
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, true,
                                     {kIdr, kAuth, MakeNotify(NotifyType::kTsUnacceptable)}))
                  .ok());
  // <-- HDR, SK {N(AUTHENTICATION_FAILED)}
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, true,
                                     {MakeNotify(NotifyType::kAuthenticationFailed)}))
                  .ok());
  EXPECT_EQ(Err(Make(ExchangeType::kIkeAuth, true, {MakeNotify(NotifyType::kMobikeSupported)})),
            DecodeError::kPayloadMissing);
  EXPECT_EQ(Err(Make(ExchangeType::kIkeAuth, true, {kIdi, kAuth})), DecodeError::kPayloadNotAllowed);
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeAuth, true, {kIdr, kAuth, kEap})).ok());
}

// HDR, SK {[N+], SA, Ni, [KEi], [TSi, TSr]} -->
TEST(PayloadRules, CreateChildSa) {
  const auto x = ExchangeType::kCreateChildSa;
  EXPECT_TRUE(CheckPayloadRules(Make(x, false, {kSa, kNonce, kKe, kTsi, kTsr})).ok());
  EXPECT_TRUE(CheckPayloadRules(Make(x, false, {MakeNotify(NotifyType::kRekeySa), kSa, kNonce, kTsi, kTsr})).ok());
  EXPECT_TRUE(CheckPayloadRules(Make(x, false, {kSa, kNonce, kKe})).ok());  // IKE SA rekey
  EXPECT_EQ(Err(Make(x, false, {kSa, kKe, kTsi, kTsr})), DecodeError::kPayloadMissing);
  EXPECT_EQ(Err(Make(x, false, {kSa, kNonce, kTsi})), DecodeError::kPayloadMissing);
  EXPECT_EQ(Err(Make(x, false, {kSa, kNonce, kAuth})), DecodeError::kPayloadNotAllowed);
  EXPECT_TRUE(CheckPayloadRules(Make(x, true, {MakeNotify(NotifyType::kNoProposalChosen)})).ok());
  EXPECT_TRUE(CheckPayloadRules(Make(x, true, {kSa, kNonce, kTsi, kTsr})).ok());
}

// HDR, SK {[N,] [D,] [CP,] ...} -->
TEST(PayloadRules, Informational) {
  const auto x = ExchangeType::kInformational;
  EXPECT_TRUE(CheckPayloadRules(Make(x, false, {})).ok());
  EXPECT_TRUE(CheckPayloadRules(Make(x, true, {})).ok());
  EXPECT_TRUE(CheckPayloadRules(Make(x, false, {DeletePayload{ProtocolId::kEsp, {1}},
                                               DeletePayload{ProtocolId::kAh, {2}}}))
                  .ok());
  EXPECT_TRUE(CheckPayloadRules(Make(x, false, {MakeNotify(NotifyType::kUpdateSaAddresses),
                                               MakeNotify(NotifyType::kNatDetectionSourceIp)}))
                  .ok());
  EXPECT_EQ(Err(Make(x, false, {kSa})), DecodeError::kPayloadNotAllowed);
}

TEST(PayloadRules, UnknownExchangesAndFragments) {
  Message m = Make(static_cast<ExchangeType>(99), false, {});
  EXPECT_EQ(Err(m), DecodeError::kUnknownExchange);
  EXPECT_EQ(Err(Make(ExchangeType::kIkeSessionResume, false, {})), DecodeError::kUnknownExchange);
  Message frag = Make(ExchangeType::kIkeAuth, false, {});
  frag.fragment = Fragment{1, 2, PayloadType::kIdi, {}};
  EXPECT_EQ(Err(frag), DecodeError::kInvalidFragment);
  EXPECT_TRUE(CheckPayloadRules(Make(ExchangeType::kIkeIntermediate, false, {kKe})).ok());
}

TEST(PayloadRules, EveryRowHasAStoryAndConsistentSets) {
  for (ExchangeType x : {ExchangeType::kIkeSaInit, ExchangeType::kIkeAuth,
                         ExchangeType::kCreateChildSa, ExchangeType::kInformational,
                         ExchangeType::kIkeIntermediate}) {
    for (bool response : {false, true}) {
      const ExchangeRules* row = FindExchangeRules(x, response);
      ASSERT_NE(row, nullptr);
      EXPECT_NE(std::string(row->story), "");
      EXPECT_TRUE(row->allowed.ContainsAll(row->repeatable));
      EXPECT_TRUE(row->allowed.ContainsAll(row->child));
      for (PayloadSet need : row->required_any) EXPECT_TRUE(row->allowed.ContainsAll(need));
    }
  }
}

}  // namespace
}  // namespace ikevpn::ike
