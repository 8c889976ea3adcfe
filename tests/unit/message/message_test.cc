// Header (phase one), payload chains, whole plaintext messages, accessors
// and the error -> notify mapping.
#include "daemon/ike/message/message.h"

#include <gtest/gtest.h>

#include "tests/unit/message/sample_messages.h"
#include "tests/unit/message/test_util.h"

namespace ikevpn::ike {
namespace {

using testing::H;
using testing::RawChainBytes;
using testing::SampleHeader;
using testing::SampleIkeSaInitPayloads;

Bytes SampleInit() {
  auto m = EncodeMessage(SampleHeader(ExchangeType::kIkeSaInit, 0), SampleIkeSaInitPayloads());
  EXPECT_TRUE(m.ok());
  return *m;
}

TEST(Header, ParsesEveryField) {
  Bytes m = H("0102030405060708 1112131415161718 21 20 23 08 00000007 0000001c");
  auto h = ParseHeader(m);
  ASSERT_TRUE(h.ok()) << h.failure().ToString();
  EXPECT_EQ(h->spi_i, 0x0102030405060708u);
  EXPECT_EQ(h->spi_r, 0x1112131415161718u);
  EXPECT_EQ(h->next_payload, PayloadType::kSa);
  EXPECT_EQ(h->major, 2);
  EXPECT_EQ(h->minor, 0);
  EXPECT_EQ(h->exchange, ExchangeType::kIkeAuth);
  EXPECT_TRUE(h->initiator());
  EXPECT_FALSE(h->response());
  EXPECT_EQ(h->message_id, 7u);
  EXPECT_EQ(h->length, 28u);
  // WriteHeader is the inverse.
  Bytes out;
  ByteWriter w(&out);
  WriteHeader(*h, w);
  EXPECT_EQ(out, m);
}

TEST(Header, Rejections) {
  Bytes good = H("0102030405060708 0000000000000000 00 20 22 08 00000000 0000001c");
  ASSERT_TRUE(ParseHeader(good).ok());
  EXPECT_EQ(ParseHeader(ByteSpan(good).first(27)).error(), DecodeError::kTooShort);
  EXPECT_EQ(ParseHeader({}).error(), DecodeError::kTooShort);

  Bytes longer = good;
  longer.push_back(0);
  EXPECT_EQ(ParseHeader(longer).error(), DecodeError::kLengthMismatch);
  Bytes bad_len = good;
  bad_len[27] = 0x1d;
  EXPECT_EQ(ParseHeader(bad_len).error(), DecodeError::kLengthMismatch);

  Bytes v3 = good;
  v3[17] = 0x30;
  EXPECT_EQ(ParseHeader(v3).error(), DecodeError::kInvalidMajorVersion);
  Bytes v1 = good;
  v1[17] = 0x10;
  EXPECT_EQ(ParseHeader(v1).error(), DecodeError::kInvalidMajorVersion);
  Bytes minor = good;
  minor[17] = 0x21;  // a higher minor version is accepted (§2.5)
  EXPECT_TRUE(ParseHeader(minor).ok());

  Bytes zero_spi = good;
  std::fill(zero_spi.begin(), zero_spi.begin() + 8, 0);
  EXPECT_EQ(ParseHeader(zero_spi).error(), DecodeError::kMalformedHeader);

  Bytes huge(kMaxMessageSize + 1);
  EXPECT_EQ(ParseHeader(huge).error(), DecodeError::kTooLarge);
}

TEST(Message, PlaintextRoundTrip) {
  Bytes wire = SampleInit();
  auto m = DecodeMessage(wire, nullptr);
  ASSERT_TRUE(m.ok()) << m.failure().ToString();
  EXPECT_EQ(m->header.next_payload, PayloadType::kSa);
  EXPECT_EQ(m->header.length, wire.size());
  EXPECT_EQ(m->payloads, SampleIkeSaInitPayloads());
  EXPECT_EQ(m->plaintext_count, m->payloads.size());
  EXPECT_FALSE(m->encrypted);
  EXPECT_FALSE(m->IsEncrypted(0));
  // Encoding the decoded message gives the same bytes.
  auto again = EncodeMessage(m->header, m->payloads);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, wire);
}

TEST(Message, Accessors) {
  auto m = DecodeMessage(SampleInit(), nullptr);
  ASSERT_TRUE(m.ok());
  ASSERT_NE(m->Find<SaPayload>(), nullptr);
  EXPECT_EQ(m->Find<SaPayload>()->proposals.size(), 2u);
  EXPECT_EQ(m->Find<KePayload>()->group, KeId::kCurve25519);
  EXPECT_EQ(m->Find<AuthPayload>(), nullptr);
  EXPECT_EQ(m->All<NotifyPayload>().size(), 4u);
  EXPECT_EQ(m->Count(PayloadType::kNotify), 4u);
  EXPECT_TRUE(m->Has(PayloadType::kNonce));
  EXPECT_FALSE(m->Has(PayloadType::kCertReq));
  EXPECT_TRUE(m->HasNotify(NotifyType::kIkev2FragmentationSupported));
  EXPECT_EQ(m->Notifies(NotifyType::kNatDetectionSourceIp).size(), 1u);
  EXPECT_EQ(m->FindNotify(NotifyType::kCookie), nullptr);
  EXPECT_EQ(m->FirstErrorNotify(), nullptr);
  EXPECT_EQ(m->Summary(),
            "IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) "
            "N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) "
            "N(SIGNATURE_HASH_ALGORITHMS) ]");
}

TEST(Message, EmptyMessageIsValid) {
  // An empty INFORMATIONAL-like plaintext message: just the header.
  auto wire = EncodeMessage(SampleHeader(ExchangeType::kInformational, 5), {});
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(wire->size(), kIkeHeaderSize);
  auto m = DecodeMessage(*wire, nullptr);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->payloads.empty());
}

// Builds HDR + a hand-written chain, fixing the header's length.
Bytes WithHeader(uint8_t first, const Bytes& chain) {
  IkeHeader h = SampleHeader(ExchangeType::kIkeSaInit, 0);
  h.next_payload = static_cast<PayloadType>(first);
  h.length = static_cast<uint32_t>(kIkeHeaderSize + chain.size());
  Bytes out;
  ByteWriter w(&out);
  WriteHeader(h, w);
  w.Append(chain);
  return out;
}

TEST(Chain, UnknownNonCriticalPayloadIsSkipped) {
  Bytes chain = RawChainBytes({{40, testing::Filled(16, 1)}, {200, H("abcdef")}, {43, H("01")}});
  auto m = DecodeMessage(WithHeader(40, chain), nullptr);
  ASSERT_TRUE(m.ok()) << m.failure().ToString();
  EXPECT_EQ(m->payloads.size(), 2u);
  EXPECT_EQ(m->skipped, std::vector<uint8_t>{200});
}

TEST(Chain, UnknownCriticalPayloadIsRejectedWithItsType) {
  Bytes chain = RawChainBytes({{40, testing::Filled(16, 1)}, {200, H("abcdef"), true}});
  auto m = DecodeMessage(WithHeader(40, chain), nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kUnsupportedCriticalPayload);
  EXPECT_EQ(NotifyFor(m.error()), NotifyType::kUnsupportedCriticalPayload);
  EXPECT_EQ(NotifyDataFor(m.failure()), Bytes{200});
  // The critical bit on a known payload type is ignored (§3.2).
  Bytes known = RawChainBytes({{40, testing::Filled(16, 1), true}});
  EXPECT_TRUE(DecodeMessage(WithHeader(40, known), nullptr).ok());
}

TEST(Chain, GenericHeaderErrors) {
  Bytes nonce = RawChainBytes({{40, testing::Filled(16, 1)}});
  Bytes short_len = nonce;
  short_len[3] = 3;  // length < 4
  Bytes overrun = nonce;
  overrun[3] = 0x30;
  Bytes trailing = nonce;
  trailing.push_back(0);
  Bytes dangling = nonce;
  dangling[0] = 41;  // names a next payload that is not there
  for (const Bytes& chain : {short_len, overrun, trailing, dangling}) {
    auto m = DecodeMessage(WithHeader(40, chain), nullptr);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error(), DecodeError::kInvalidSyntax);
    EXPECT_EQ(NotifyFor(m.error()), NotifyType::kInvalidSyntax);
  }
}

TEST(Chain, PayloadCountIsCapped) {
  auto chain_of = [](size_t n) {
    Bytes out;
    for (size_t i = 0; i < n; ++i) {
      Bytes v = RawChainBytes({{43, {}}});
      if (i + 1 < n) v[0] = 43;
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  };
  EXPECT_TRUE(DecodeMessage(WithHeader(43, chain_of(kMaxPayloads)), nullptr).ok());
  auto m = DecodeMessage(WithHeader(43, chain_of(kMaxPayloads + 1)), nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kInvalidSyntax);
}

TEST(Chain, EncryptedPayloadWithoutKeysOrNotLast) {
  Bytes sk = RawChainBytes({{46, testing::Filled(40, 1)}});
  auto m = DecodeMessage(WithHeader(46, sk), nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kNoKeys);
  EXPECT_EQ(NotifyFor(m.error()), std::nullopt);

  Bytes sk_then_v = RawChainBytes({{46, testing::Filled(40, 1)}, {43, H("01")}});
  m = DecodeMessage(WithHeader(46, sk_then_v), nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kMalformedEncrypted);
}

TEST(DecodeErrors, MapToNotifyOrDrop) {
  EXPECT_EQ(NotifyFor(DecodeError::kInvalidMajorVersion), NotifyType::kInvalidMajorVersion);
  EXPECT_EQ(NotifyFor(DecodeError::kPayloadMissing), NotifyType::kInvalidSyntax);
  EXPECT_EQ(NotifyFor(DecodeError::kPayloadNotAllowed), NotifyType::kInvalidSyntax);
  for (DecodeError e : {DecodeError::kTooShort, DecodeError::kLengthMismatch, DecodeError::kTooLarge,
                        DecodeError::kMalformedHeader, DecodeError::kNoKeys,
                        DecodeError::kMalformedEncrypted, DecodeError::kIntegrityCheckFailed,
                        DecodeError::kInvalidFragment, DecodeError::kUnknownExchange})
    EXPECT_EQ(NotifyFor(e), std::nullopt) << ToString(e);
  DecodeFailure f{DecodeError::kInvalidSyntax, PayloadType::kSa, 0, "proposal 2 too short"};
  EXPECT_EQ(f.ToString(), "INVALID_SYNTAX (SA): proposal 2 too short");
  EXPECT_TRUE(NotifyDataFor(f).empty());
  DecodeResult<int> r(f);
  EXPECT_EQ(r.status().code(), Code::kDrop);
}

}  // namespace
}  // namespace ikevpn::ike
