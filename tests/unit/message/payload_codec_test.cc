// Round trips of every payload type, and the boundaries of each codec.
#include <gtest/gtest.h>

#include "daemon/ike/message/message.h"
#include "tests/unit/message/sample_messages.h"
#include "tests/unit/message/test_util.h"

namespace ikevpn::ike {
namespace {

using testing::DecodeOne;
using testing::Filled;
using testing::H;

// Encodes one payload as a chain and decodes it back.
Payload RoundTrip(const Payload& p) {
  auto chain = EncodePayloadChain(std::span<const Payload>(&p, 1));
  EXPECT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(chain->first, PayloadTypeOf(p));
  Message m;
  auto st = DecodePayloadChain(chain->first, chain->bytes, &m);
  EXPECT_TRUE(st.ok()) << st.failure().ToString();
  EXPECT_EQ(m.payloads.size(), 1u);
  return m.payloads.empty() ? Payload{} : m.payloads[0];
}

TrafficSelector Ts(const char* text) { return *TrafficSelector::Parse(text); }

TEST(PayloadRoundTrip, EveryPayloadType) {
  const Payload payloads[] = {
      testing::SampleIkeSaInitPayloads()[0],
      SaPayload{{Proposal{3, ProtocolId::kIke, Filled(8, 9),
                          {{TransformType::kEncr, 12, 256}, {TransformType::kPrf, 7, 0}}}}},
      KePayload{KeId::kModp2048, Filled(256, 1)},
      KePayload{KeId::kCurve25519, {}},
      IdiPayload{IdType::kIpv4Addr, {192, 0, 2, 1}},
      IdrPayload{IdType::kIpv6Addr, Filled(16, 2)},
      IdiPayload{IdType::kDerAsn1Dn, Filled(70, 3)},
      CertPayload{CertEncoding::kX509Signature, Filled(500, 4)},
      CertReqPayload{CertEncoding::kX509Signature, Filled(40, 5)},
      CertReqPayload{CertEncoding::kX509Signature, {}},
      AuthPayload{AuthMethod::kDigitalSignature, Filled(80, 6)},
      NoncePayload{Filled(16, 7)},
      NoncePayload{Filled(256, 8)},
      MakeNotify(NotifyType::kCookie, Filled(32, 9)),
      NotifyPayload{ProtocolId::kEsp, {1, 2, 3, 4}, NotifyType::kRekeySa, {}},
      NotifyPayload{ProtocolId::kNone, {}, static_cast<NotifyType>(40000), Filled(3, 1)},
      DeletePayload{ProtocolId::kIke, {}},
      DeletePayload{ProtocolId::kEsp, {0x11223344, 0x55667788}},
      DeletePayload{ProtocolId::kAh, {1}},
      VendorIdPayload{Filled(16, 10)},
      VendorIdPayload{{}},
      TsiPayload{{Ts("10.0.0.0/8"), Ts("192.0.2.1-192.0.2.9[udp/53]")}},
      TsrPayload{{Ts("2001:db8::/48[tcp/443]")}},
      TsrPayload{{}},
      CpPayload{CfgType::kRequest,
                {{static_cast<uint16_t>(CfgAttr::kInternalIp4Address), {}},
                 {static_cast<uint16_t>(CfgAttr::kInternalIp4Dns), {}}}},
      CpPayload{CfgType::kReply,
                {{static_cast<uint16_t>(CfgAttr::kInternalIp4Address), {10, 9, 8, 7}},
                 {static_cast<uint16_t>(CfgAttr::kInternalIp6Address), Filled(17, 1)}}},
      EapPayload{H("0201000501")},
  };
  for (const Payload& p : payloads) {
    SCOPED_TRACE(ToString(PayloadTypeOf(p)));
    EXPECT_EQ(RoundTrip(p), p);
  }
}

TEST(PayloadRoundTrip, ChainLinksNextPayloadFields) {
  Payloads all = testing::SampleIkeAuthPayloads();
  auto chain = EncodePayloadChain(all);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->first, PayloadType::kIdi);
  // The first generic header names the second payload (N).
  EXPECT_EQ(chain->bytes[0], static_cast<uint8_t>(PayloadType::kNotify));
  Message m;
  ASSERT_TRUE(DecodePayloadChain(chain->first, chain->bytes, &m).ok());
  EXPECT_EQ(m.payloads, all);
}

TEST(PayloadRoundTrip, EncoderRejectsWhatCannotBeRepresented) {
  auto bad = [](Payload p) { return !EncodePayloadChain(std::span<const Payload>(&p, 1)).ok(); };
  EXPECT_TRUE(bad(NoncePayload{Filled(15, 1)}));
  EXPECT_TRUE(bad(NoncePayload{Filled(257, 1)}));
  EXPECT_TRUE(bad(SaPayload{}));
  EXPECT_TRUE(bad(DeletePayload{ProtocolId::kIke, {1}}));
  EXPECT_TRUE(bad(CertPayload{CertEncoding::kX509Signature, Bytes(70000)}));
  TsiPayload many;
  many.selectors.assign(kMaxTrafficSelectors + 1, Ts("10.0.0.0/8"));
  EXPECT_TRUE(bad(many));
  Payloads too_many(kMaxPayloads + 1, VendorIdPayload{});
  EXPECT_FALSE(EncodePayloadChain(too_many).ok());
}

// §3.9: 16..256 octets.
TEST(NonceCodec, SizeBounds) {
  EXPECT_FALSE(DecodeOne(PayloadType::kNonce, Filled(15, 0)).ok());
  EXPECT_TRUE(DecodeOne(PayloadType::kNonce, Filled(16, 0)).ok());
  EXPECT_TRUE(DecodeOne(PayloadType::kNonce, Filled(256, 0)).ok());
  auto r = DecodeOne(PayloadType::kNonce, Filled(257, 0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), DecodeError::kInvalidSyntax);
  EXPECT_EQ(r.failure().payload, PayloadType::kNonce);
}

TEST(FixedPartCodecs, ShorterThanTheFixedPartIsInvalidSyntax) {
  EXPECT_FALSE(DecodeOne(PayloadType::kKe, H("0013")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kIdi, H("020000")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kAuth, H("02")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kCert, {}).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kCertReq, {}).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kNotify, H("000040")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kDelete, H("0300")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kTsi, H("01")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kCp, H("0100")).ok());
  // Opaque payloads may be empty.
  EXPECT_TRUE(DecodeOne(PayloadType::kVendorId, {}).ok());
  EXPECT_TRUE(DecodeOne(PayloadType::kEap, {}).ok());
  EXPECT_TRUE(DecodeOne(PayloadType::kKe, H("001f0000")).ok());
}

TEST(IdCodec, AddressTypesMustHaveAddressLength) {
  EXPECT_TRUE(DecodeOne(PayloadType::kIdi, H("01000000c0000201")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kIdi, H("01000000c00002")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kIdr, H("05000000c0000201")).ok());
  // Unknown ID types are opaque (the engine rejects them).
  auto r = DecodeOne(PayloadType::kIdr, H("fe000000aa"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(static_cast<int>(r->Find<IdrPayload>()->type), 0xfe);
}

TEST(NotifyCodec, SpiSizeMustFit) {
  // ESP, SPI size 4, REKEY_SA, SPI.
  auto r = DecodeOne(PayloadType::kNotify, H("03044009 deadbeef"));
  ASSERT_TRUE(r.ok());
  const NotifyPayload* n = r->Find<NotifyPayload>();
  EXPECT_EQ(n->type, NotifyType::kRekeySa);
  EXPECT_EQ(n->spi, H("deadbeef"));
  EXPECT_TRUE(n->data.empty());
  EXPECT_FALSE(DecodeOne(PayloadType::kNotify, H("03084009 deadbeef")).ok());
}

TEST(DeleteCodec, ShapeAndProtocolRules) {
  auto r = DecodeOne(PayloadType::kDelete, H("03040002 00000001 00000002"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Find<DeletePayload>()->spis, (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(DecodeOne(PayloadType::kDelete, H("01000000")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kDelete, H("03040003 00000001 00000002")).ok());  // count
  EXPECT_FALSE(DecodeOne(PayloadType::kDelete, H("03040001 00000001 00")).ok());        // extra
  EXPECT_FALSE(DecodeOne(PayloadType::kDelete, H("01040001 00000001")).ok());  // IKE with SPI
  EXPECT_FALSE(DecodeOne(PayloadType::kDelete, H("03080001 0000000100000001")).ok());  // size
  EXPECT_FALSE(DecodeOne(PayloadType::kDelete, H("09040001 00000001")).ok());  // protocol
  EXPECT_FALSE(DecodeOne(PayloadType::kDelete, H("00000000")).ok());
}

TEST(TsCodec, Ipv4AndIpv6Selectors) {
  auto r = DecodeOne(PayloadType::kTsi,
                     H("02000000"
                       "07110010 0035 0035 0a000000 0affffff"
                       "08000028 0000 ffff 20010db8000000000000000000000000"
                       "20010db8ffffffffffffffffffffffff"));
  ASSERT_TRUE(r.ok()) << r.failure().ToString();
  const auto* ts = r->Find<TsiPayload>();
  ASSERT_EQ(ts->selectors.size(), 2u);
  EXPECT_EQ(ts->selectors[0], Ts("10.0.0.0/8[udp/53]"));
  EXPECT_EQ(ts->selectors[1], Ts("2001:db8::/32"));
}

TEST(TsCodec, MalformedSelectors) {
  const char* bad[] = {
      "02000000 07000010 0000ffff 0a000000 0affffff",         // fewer than announced
      "01000000 07000010 0000ffff 0a000000 0affffff 00",      // trailing byte
      "01000000 07000011 0000ffff 0a000000 0affffff 00",      // v4 with length 17
      "01000000 08000010 0000ffff 0a000000 0affffff",         // v6 with length 16
      "01000000 09000010 0000ffff 0a000000 0affffff",         // unknown TS type
      "01000000 07000003",                                    // length below the fixed part
      "01000000 07000100 0000ffff 0a000000 0affffff",         // length overruns
  };
  for (const char* hex : bad) {
    SCOPED_TRACE(hex);
    auto r = DecodeOne(PayloadType::kTsr, H(hex));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), DecodeError::kInvalidSyntax);
  }
  // More than kMaxTrafficSelectors announced.
  EXPECT_FALSE(DecodeOne(PayloadType::kTsr, H("41000000")).ok());
}

TEST(CpCodec, AttributesAndReservedBit) {
  auto r = DecodeOne(PayloadType::kCp, H("01000000 80010000 00030000"));
  ASSERT_TRUE(r.ok());
  const auto* cp = r->Find<CpPayload>();
  EXPECT_EQ(cp->type, CfgType::kRequest);
  ASSERT_EQ(cp->attributes.size(), 2u);
  EXPECT_EQ(cp->attributes[0].type, 1);  // R bit ignored
  EXPECT_EQ(cp->attributes[1].type, 3);
  EXPECT_FALSE(DecodeOne(PayloadType::kCp, H("02000000 00010004 0a00")).ok());
  EXPECT_FALSE(DecodeOne(PayloadType::kCp, H("02000000 000100")).ok());
}

// A hand-written SA body: proposals and transforms with explicit flags.
Bytes SaBody(std::string_view hex) { return H(hex); }

TEST(SaCodec, DecodesKeyLengthAndSpi) {
  // Proposal 1 (last), IKE, SPI size 0, 2 transforms:
  //   ENCR AES-CBC with Key Length 128 (TV); INTEG HMAC-SHA2-256-128.
  auto r = DecodeOne(PayloadType::kSa, SaBody("0000001c 01010002"
                                               "0300000c 0100000c 800e0080"
                                               "00000008 0300000c"));
  ASSERT_TRUE(r.ok()) << r.failure().ToString();
  const auto* sa = r->Find<SaPayload>();
  ASSERT_EQ(sa->proposals.size(), 1u);
  const Proposal& p = sa->proposals[0];
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.protocol, ProtocolId::kIke);
  ASSERT_EQ(p.transforms.size(), 2u);
  EXPECT_EQ(p.transforms[0], (Transform{TransformType::kEncr, 12, 128}));
  EXPECT_EQ(p.transforms[1], (Transform{TransformType::kInteg, 12, 0}));
}

TEST(SaCodec, UnknownAttributeRejectsTheTransform) {
  // §3.3.6. Transform 1 has an unknown TV attribute, transform 2 a TLV one,
  // transform 3 two Key Lengths; transform 4 is fine.
  auto r = DecodeOne(PayloadType::kSa, SaBody("0000003e 01030404 c1000001"
                                               "0300000c 0100000c 80ff0001"
                                               "0300000e 0100000d 000e0002 0080"
                                               "03000010 01000014 800e0080 800e0100"
                                               "00000008 0200 0005"));
  ASSERT_TRUE(r.ok()) << r.failure().ToString();
  const auto* sa = r->Find<SaPayload>();
  ASSERT_EQ(sa->proposals.size(), 1u);
  ASSERT_EQ(sa->proposals[0].transforms.size(), 1u);
  EXPECT_EQ(sa->proposals[0].transforms[0].type, TransformType::kPrf);
  EXPECT_EQ(sa->proposals[0].protocol, ProtocolId::kEsp);
}

TEST(SaCodec, UnknownTransformTypeOrProtocolRejectsTheProposal) {
  auto r = DecodeOne(PayloadType::kSa, SaBody(
                                           // Proposal 1: transform type 6 (unknown to us).
                                           "02000018 01010002 03000008 0100000c 00000008 06000001"
                                           // Proposal 2: protocol 9.
                                           "02000010 02090001 00000008 0100000c"
                                           // Proposal 3: fine.
                                           "00000010 03010001 00000008 0100000c"));
  ASSERT_TRUE(r.ok()) << r.failure().ToString();
  const auto* sa = r->Find<SaPayload>();
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].number, 3);
}

TEST(SaCodec, MalformedShapes) {
  const char* bad[] = {
      "",                                                   // no proposals
      "00000010 01010001 03000008 0100000c",                // transform says more, none follows
      "02000010 01010001 00000008 0100000c",                // proposal says more, none follows
      "00000010 01010002 00000008 0100000c",                // 2 announced, 1 present
      "00000018 01010001 03000008 0100000c 00000008 02000005",  // 1 announced, 2 present
      "05000010 01010001 00000008 0100000c",                // bad Last Substruc value
      "00000007 01010000",                                  // proposal length < 8
      "00000020 01010001 00000008 0100000c",                // proposal length overruns
      "00000010 01010001 00000007 0100000c",                // transform length < 8
      "00000012 01010001 0000000a 0100000c 800e",           // attribute truncated
      "00000014 01010001 0000000c 0100000c 000e0004",       // TLV attribute overruns
      "00000014 01010401 00000000 00000008 0100000c",       // SPI size 4 for IKE
      "00000010 01030001 00000008 0100000c",                // no SPI for ESP
      "00000008 01011000",                                  // SPI overruns proposal
  };
  for (const char* hex : bad) {
    SCOPED_TRACE(hex);
    auto r = DecodeOne(PayloadType::kSa, SaBody(hex));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), DecodeError::kInvalidSyntax);
    EXPECT_EQ(r.failure().payload, PayloadType::kSa);
  }
}

TEST(SaCodec, CountsAreCapped) {
  // 65 proposals of 8 bytes each.
  Bytes body;
  for (int i = 0; i < 65; ++i) {
    Bytes p = H("02000008 01010000");
    if (i == 64) p[0] = 0;
    p[4] = static_cast<uint8_t>(i + 1);
    body.insert(body.end(), p.begin(), p.end());
  }
  auto r = DecodeOne(PayloadType::kSa, body);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.failure().detail.find("too many proposals"), std::string::npos);
  // 65 transforms announced.
  EXPECT_FALSE(DecodeOne(PayloadType::kSa, H("00000008 01010041")).ok());
}

}  // namespace
}  // namespace ikevpn::ike
