#include <gtest/gtest.h>

#include "daemon/ike/sa/proposal_select.h"
#include "daemon/ike/sa/ts_narrow.h"

namespace ikevpn::ike {
namespace {

Transform T(TransformType type, uint16_t id, uint16_t bits = 0) { return {type, id, bits}; }
Transform Encr(EncrId id, uint16_t bits) { return T(TransformType::kEncr, static_cast<uint16_t>(id), bits); }
Transform Prf(PrfId id) { return T(TransformType::kPrf, static_cast<uint16_t>(id)); }
Transform Integ(IntegId id) { return T(TransformType::kInteg, static_cast<uint16_t>(id)); }
Transform Ke(KeId id) { return T(TransformType::kKe, static_cast<uint16_t>(id)); }

Proposal Ike(std::vector<Transform> t, uint8_t number = 1) {
  return Proposal{number, ProtocolId::kIke, {}, std::move(t)};
}

TEST(ProposalSelect, PicksFirstPeerProposalAndFirstCommonTransformPerType) {
  Proposals ours = {Ike({Encr(EncrId::kAesGcm16, 256), Encr(EncrId::kAesGcm16, 128),
                         Prf(PrfId::kHmacSha2_384), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519),
                         Ke(KeId::kEcp256)})};
  Proposals theirs = {
      Ike({Encr(EncrId::kChaCha20Poly1305, 0), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519)}, 1),
      Ike({Encr(EncrId::kAesGcm16, 128), Encr(EncrId::kAesGcm16, 256), Prf(PrfId::kHmacSha2_256),
           Ke(KeId::kEcp256), Ke(KeId::kCurve25519)},
          2)};
  auto r = SelectProposal(ours, theirs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->number, 2);  // proposal 1 has ChaCha, which we do not allow
  ChosenAlgorithms c = Chosen(*r);
  EXPECT_EQ(c.encr->key_length, 128);  // the peer's preference among ours
  EXPECT_EQ(c.ke_id(), KeId::kEcp256);
  EXPECT_TRUE(c.aead());
  EXPECT_EQ(c.ToString(), "AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256");
  EXPECT_TRUE(CheckSelectedProposal(theirs, *r).ok());
}

TEST(ProposalSelect, KeyLengthIsPartOfTheTransform) {
  Proposals ours = {Ike({Encr(EncrId::kAesGcm16, 256), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519)})};
  Proposals theirs = {Ike({Encr(EncrId::kAesGcm16, 128), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519)})};
  EXPECT_EQ(SelectProposal(ours, theirs).status().code(), Code::kNotFound);
}

TEST(ProposalSelect, MissingMandatoryTypeIsNoProposal) {
  Proposals ours = {Ike({Encr(EncrId::kAesCbc, 256), Integ(IntegId::kHmacSha2_256_128),
                         Prf(PrfId::kHmacSha2_256), Ke(KeId::kModp2048)})};
  Proposals theirs = {Ike({Encr(EncrId::kAesCbc, 256), Prf(PrfId::kHmacSha2_256), Ke(KeId::kModp2048)})};
  EXPECT_FALSE(SelectProposal(ours, theirs).ok());
}

TEST(ProposalSelect, EspWithoutPfsAcceptsPeerOmittingKe) {
  Proposal ours{1, ProtocolId::kEsp, {}, {Encr(EncrId::kAesGcm16, 256), Ke(KeId::kNone), Ke(KeId::kCurve25519),
                                         T(TransformType::kEsn, 0)}};
  Proposal theirs{3, ProtocolId::kEsp, {1, 2, 3, 4}, {Encr(EncrId::kAesGcm16, 256), T(TransformType::kEsn, 0)}};
  auto r = SelectProposal({ours}, {theirs});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->spi, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(Chosen(*r).ke_id(), KeId::kNone);
  // And a protocol mismatch never matches.
  theirs.protocol = ProtocolId::kAh;
  EXPECT_FALSE(SelectProposal({ours}, {theirs}).ok());
}

TEST(ProposalSelect, InitiatorRejectsWhatItDidNotOffer) {
  Proposals offered = {Ike({Encr(EncrId::kAesGcm16, 256), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519)})};
  Proposal bad = Ike({Encr(EncrId::kAesGcm16, 128), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519)});
  EXPECT_EQ(CheckSelectedProposal(offered, bad).code(), Code::kDrop);
  Proposal two = Ike({Encr(EncrId::kAesGcm16, 256), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519),
                      Ke(KeId::kCurve25519)});
  EXPECT_EQ(CheckSelectedProposal(offered, two).code(), Code::kDrop);
  Proposal wrong_number = offered[0];
  wrong_number.number = 9;
  EXPECT_EQ(CheckSelectedProposal(offered, wrong_number).code(), Code::kDrop);
}

TEST(ProposalSelect, KeMethodsAndPreferKe) {
  Proposals ours = {Ike({Encr(EncrId::kAesGcm16, 256), Prf(PrfId::kHmacSha2_256), Ke(KeId::kCurve25519),
                         Ke(KeId::kEcp256)}),
                    Ike({Encr(EncrId::kAesCbc, 256), Integ(IntegId::kHmacSha2_256_128),
                         Prf(PrfId::kHmacSha2_256), Ke(KeId::kModp2048), Ke(KeId::kEcp256)}, 2)};
  EXPECT_EQ(KeMethods(ours), (std::vector<KeId>{KeId::kCurve25519, KeId::kEcp256, KeId::kModp2048}));
  EXPECT_TRUE(AcceptsKe(ours, KeId::kModp2048));
  EXPECT_FALSE(AcceptsKe(ours, KeId::kCurve448));
  EXPECT_EQ(KeMethods(PreferKe(ours, KeId::kEcp256)).front(), KeId::kEcp256);
}

TrafficSelector Ts(const char* s) { return *TrafficSelector::Parse(s); }

TEST(TsNarrow, ResponderIntersectsWithItsPolicy) {
  TsPair proposed{{Ts("10.0.0.0/8")}, {Ts("0.0.0.0/0")}};
  auto r = NarrowResponder(proposed, /*local=*/{Ts("192.168.1.0/24")}, /*remote=*/{Ts("10.1.0.0/16")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->initiator, TrafficSelectors{Ts("10.1.0.0/16")});
  EXPECT_EQ(r->responder, TrafficSelectors{Ts("192.168.1.0/24")});
  EXPECT_TRUE(CheckNarrowed(proposed, *r).ok());
}

TEST(TsNarrow, DisjointIsUnacceptableAndWideningIsRejected) {
  TsPair proposed{{Ts("10.0.0.0/24")}, {Ts("192.168.1.0/24")}};
  EXPECT_EQ(NarrowResponder(proposed, {Ts("172.16.0.0/12")}, {Ts("10.0.0.0/8")}).status().code(),
            Code::kNotFound);
  TsPair wider{{Ts("10.0.0.0/8")}, {Ts("192.168.1.0/24")}};
  EXPECT_EQ(CheckNarrowed(proposed, wider).code(), Code::kDrop);
  EXPECT_EQ(CheckNarrowed(proposed, TsPair{}).code(), Code::kDrop);
}

TEST(TsNarrow, DualFamilyKeepsBothFamilies) {
  TsPair proposed{{Ts("0.0.0.0/0"), Ts("::/0")}, {Ts("0.0.0.0/0"), Ts("::/0")}};
  auto r = NarrowResponder(proposed, {Ts("0.0.0.0/0"), Ts("::/0")}, {Ts("10.9.0.5/32"), Ts("fd00::5/128")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->initiator.size(), 2u);
  EXPECT_EQ(r->responder.size(), 2u);
  EXPECT_EQ(ForAddress(*IpAddress::Parse("10.9.0.5")), TrafficSelectors{Ts("10.9.0.5/32")});
}

}  // namespace
}  // namespace ikevpn::ike
