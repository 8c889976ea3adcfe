// XFRM_MSG_ALLOCSPI / NEWSA / UPDSA / DELSA / GETSA bytes, field by field.
#include "daemon/kernel/xfrm/xfrm_sa_messages.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "tests/unit/xfrm/xfrm_test_util.h"

namespace ikevpn::kernel::xfrm {
namespace {

using testing::ReadBuilt;
using testing::TailOf;

IpAddress A(const char* s) { return *IpAddress::Parse(s); }

SecretBytes Key(size_t n, uint8_t first) {
  SecretBytes k(n);
  for (size_t i = 0; i < n; ++i) k.data()[i] = static_cast<uint8_t>(first + i);
  return k;
}

SaId OutId() {
  SaId id{A("192.0.2.1"), A("198.51.100.2"), 0xc0ffee01, ike::ProtocolId::kEsp};
  id.if_id = 0x10007;
  return id;
}

SaData GcmData() {
  SaData d;
  d.reqid = 42;
  d.encr = ike::EncrId::kAesGcm16;
  d.encr_key_bits = 256;
  d.encr_key = Key(36, 1);
  d.replay_window = 1024;
  d.encap = UdpEncap{4500, 4501};
  d.soft.seconds = 3000;
  d.hard.seconds = 3600;
  return d;
}

TEST(BuildAllocSpi, CarriesAddressesProtocolAndRange) {
  NlMessage m = BuildAllocSpi(A("198.51.100.2"), A("192.0.2.1"), ike::ProtocolId::kEsp, 0x100,
                              0xffffffff);
  xfrm_userspi_info u;
  auto b = ReadBuilt(m, &u);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_ALLOCSPI);
  EXPECT_EQ(b.hdr.nlmsg_flags, NLM_F_REQUEST);  // the answer is a NEWSA, no ack
  EXPECT_EQ(u.info.family, AF_INET);
  EXPECT_EQ(u.info.id.proto, IPPROTO_ESP);
  EXPECT_EQ(u.info.saddr.a4, htonl(0xc6336402));
  EXPECT_EQ(u.info.id.daddr.a4, htonl(0xc0000201));
  EXPECT_EQ(u.min, 0x100u);
  EXPECT_EQ(u.max, 0xffffffffu);
}

TEST(BuildAddSa, GcmTunnelWithEncapIfIdEsnWindowAndLifetimes) {
  auto m = BuildAddSa(OutId(), GcmData(), /*update=*/false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  xfrm_usersa_info p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_NEWSA);
  EXPECT_EQ(b.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(ntohl(p.id.spi), 0xc0ffee01u);
  EXPECT_EQ(p.id.proto, IPPROTO_ESP);
  EXPECT_EQ(p.family, AF_INET);
  EXPECT_EQ(p.saddr.a4, htonl(0xc0000201));
  EXPECT_EQ(p.id.daddr.a4, htonl(0xc6336402));
  EXPECT_EQ(p.mode, XFRM_MODE_TUNNEL);
  EXPECT_EQ(p.reqid, 42u);
  // Dual family: AF_UNSPEC flag, empty selector.
  EXPECT_EQ(p.flags, XFRM_STATE_AF_UNSPEC);
  EXPECT_EQ(p.sel.family, 0);
  EXPECT_EQ(p.sel.prefixlen_s, 0);
  // Unlimited bytes/packets are XFRM_INF, not 0; seconds as given.
  EXPECT_EQ(p.lft.soft_byte_limit, XFRM_INF);
  EXPECT_EQ(p.lft.hard_byte_limit, XFRM_INF);
  EXPECT_EQ(p.lft.soft_packet_limit, XFRM_INF);
  EXPECT_EQ(p.lft.hard_packet_limit, XFRM_INF);
  EXPECT_EQ(p.lft.soft_add_expires_seconds, 3000u);
  EXPECT_EQ(p.lft.hard_add_expires_seconds, 3600u);
  // A window over 32 goes into XFRMA_REPLAY_ESN_VAL; the legacy field is 0.
  EXPECT_EQ(p.replay_window, 0);
  xfrm_replay_state_esn esn;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_REPLAY_ESN_VAL, &esn));
  EXPECT_EQ(esn.replay_window, 1024u);
  EXPECT_EQ(esn.bmp_len, 32u);
  EXPECT_EQ(b.attrs.Get(XFRMA_REPLAY_ESN_VAL)->size(), sizeof esn + 32 * 4);

  xfrm_algo_aead aead;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_ALG_AEAD, &aead));
  EXPECT_STREQ(aead.alg_name, "rfc4106(gcm(aes))");
  EXPECT_EQ(aead.alg_key_len, 288u);  // 256-bit key + 32-bit salt
  EXPECT_EQ(aead.alg_icv_len, 128u);
  EXPECT_TRUE(GcmData().encr_key.Equals(TailOf<xfrm_algo_aead>(*b.attrs.Get(XFRMA_ALG_AEAD))));
  EXPECT_FALSE(b.attrs.Has(XFRMA_ALG_CRYPT));
  EXPECT_FALSE(b.attrs.Has(XFRMA_ALG_AUTH_TRUNC));

  xfrm_encap_tmpl e;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_ENCAP, &e));
  EXPECT_EQ(e.encap_type, UDP_ENCAP_ESPINUDP);
  EXPECT_EQ(ntohs(e.encap_sport), 4500);
  EXPECT_EQ(ntohs(e.encap_dport), 4501);
  uint32_t if_id = 0;
  ASSERT_TRUE(b.attrs.GetU32(XFRMA_IF_ID, &if_id));
  EXPECT_EQ(if_id, 0x10007u);
  EXPECT_FALSE(b.attrs.Has(XFRMA_MARK));
}

TEST(BuildAddSa, UpdateCompletesLarvalSaAndMarkIsSent) {
  SaId id = OutId();
  id.mark = 5;
  id.mark_mask = 0xff;
  auto m = BuildAddSa(id, GcmData(), /*update=*/true);
  ASSERT_TRUE(m.ok());
  xfrm_usersa_info p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_UPDSA);
  xfrm_mark mark;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_MARK, &mark));
  EXPECT_EQ(mark.v, 5u);
  EXPECT_EQ(mark.m, 0xffu);
}

TEST(BuildAddSa, ChaCha20Poly1305) {
  SaData d = GcmData();
  d.encr = ike::EncrId::kChaCha20Poly1305;
  auto m = BuildAddSa(OutId(), d, false);
  ASSERT_TRUE(m.ok());
  xfrm_usersa_info p;
  auto b = ReadBuilt(*m, &p);
  xfrm_algo_aead aead;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_ALG_AEAD, &aead));
  EXPECT_STREQ(aead.alg_name, "rfc7539esp(chacha20,poly1305)");
  EXPECT_EQ(aead.alg_key_len, 288u);
  EXPECT_EQ(aead.alg_icv_len, 128u);
}

TEST(BuildAddSa, CbcWithHmacSha256AndLegacyWindowAndByteLimits) {
  SaData d;
  d.encr = ike::EncrId::kAesCbc;
  d.encr_key_bits = 128;
  d.encr_key = Key(16, 0x10);
  d.integ = ike::IntegId::kHmacSha2_256_128;
  d.integ_key = Key(32, 0x40);
  d.replay_window = 32;
  d.soft.bytes = 1000000;
  d.hard.packets = 5000;
  auto m = BuildAddSa(OutId(), d, false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  xfrm_usersa_info p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(p.replay_window, 32);
  EXPECT_FALSE(b.attrs.Has(XFRMA_REPLAY_ESN_VAL));
  EXPECT_EQ(p.lft.soft_byte_limit, 1000000u);
  EXPECT_EQ(p.lft.hard_byte_limit, XFRM_INF);
  EXPECT_EQ(p.lft.hard_packet_limit, 5000u);
  EXPECT_EQ(p.lft.soft_add_expires_seconds, 0u);  // 0 = no time limit for the kernel
  xfrm_algo crypt;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_ALG_CRYPT, &crypt));
  EXPECT_STREQ(crypt.alg_name, "cbc(aes)");
  EXPECT_EQ(crypt.alg_key_len, 128u);
  EXPECT_TRUE(d.encr_key.Equals(TailOf<xfrm_algo>(*b.attrs.Get(XFRMA_ALG_CRYPT))));
  xfrm_algo_auth auth;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_ALG_AUTH_TRUNC, &auth));
  EXPECT_STREQ(auth.alg_name, "hmac(sha256)");
  EXPECT_EQ(auth.alg_key_len, 256u);
  EXPECT_EQ(auth.alg_trunc_len, 128u);
  EXPECT_TRUE(d.integ_key.Equals(TailOf<xfrm_algo_auth>(*b.attrs.Get(XFRMA_ALG_AUTH_TRUNC))));
  EXPECT_FALSE(b.attrs.Has(XFRMA_ALG_AEAD));
  EXPECT_FALSE(b.attrs.Has(XFRMA_ENCAP));
}

TEST(BuildAddSa, EsnSetsFlagAndSplitsInitialSequence) {
  SaData d = GcmData();
  d.esn = true;
  d.replay_window = 64;
  d.initial_seq = 0x0000000500000007;
  auto m = BuildAddSa(OutId(), d, false);
  ASSERT_TRUE(m.ok());
  xfrm_usersa_info p;
  auto b = ReadBuilt(*m, &p);
  EXPECT_EQ(p.flags, XFRM_STATE_ESN | XFRM_STATE_AF_UNSPEC);
  xfrm_replay_state_esn esn;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_REPLAY_ESN_VAL, &esn));
  EXPECT_EQ(esn.bmp_len, 2u);
  EXPECT_EQ(esn.oseq, 7u);
  EXPECT_EQ(esn.oseq_hi, 5u);
  EXPECT_EQ(esn.seq, 0u);
  EXPECT_EQ(esn.replay_window, 64u);
}

TEST(BuildAddSa, SingleFamilySaGetsSelectorFromTrafficSelectors) {
  SaData d = GcmData();
  d.dual_family = false;
  d.inbound = true;
  d.local_ts = {*TrafficSelector::Parse("10.1.0.0/16")};
  d.remote_ts = {*TrafficSelector::Parse("10.2.0.0/16")};
  auto m = BuildAddSa(OutId(), d, false);
  ASSERT_TRUE(m.ok());
  xfrm_usersa_info p;
  ReadBuilt(*m, &p);
  EXPECT_EQ(p.flags, 0);
  EXPECT_EQ(p.sel.family, AF_INET);
  EXPECT_EQ(p.sel.saddr.a4, htonl(0x0a020000));  // inbound: remote -> local
  EXPECT_EQ(p.sel.prefixlen_s, 16);
  EXPECT_EQ(p.sel.daddr.a4, htonl(0x0a010000));
}

TEST(BuildAddSa, RejectsBadInputWithClearStatus) {
  SaData short_key = GcmData();
  short_key.encr_key = Key(32, 0);  // salt missing
  auto r = BuildAddSa(OutId(), short_key, false);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("needs 36"), std::string::npos) << r.status().message();

  SaData aead_integ = GcmData();
  aead_integ.integ = ike::IntegId::kHmacSha2_256_128;
  EXPECT_FALSE(BuildAddSa(OutId(), aead_integ, false).ok());

  SaData big_window = GcmData();
  big_window.replay_window = 5000;
  EXPECT_FALSE(BuildAddSa(OutId(), big_window, false).ok());

  SaData cbc_only = GcmData();
  cbc_only.encr = ike::EncrId::kAesCbc;
  cbc_only.encr_key = Key(32, 0);
  EXPECT_FALSE(BuildAddSa(OutId(), cbc_only, false).ok());

  SaId low_spi = OutId();
  low_spi.spi = 255;
  EXPECT_FALSE(BuildAddSa(low_spi, GcmData(), false).ok());
  SaId mixed = OutId();
  mixed.dst = A("2001:db8::1");
  EXPECT_FALSE(BuildAddSa(mixed, GcmData(), false).ok());
}

TEST(BuildDeleteSa, KeysBySpiDstProtoWithSourceAndMark) {
  SaId id = OutId();
  id.mark = 1;
  id.mark_mask = 0xffffffff;
  NlMessage m = BuildDeleteSa(id);
  xfrm_usersa_id u;
  auto b = ReadBuilt(m, &u);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_DELSA);
  EXPECT_EQ(b.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(ntohl(u.spi), 0xc0ffee01u);
  EXPECT_EQ(u.proto, IPPROTO_ESP);
  EXPECT_EQ(u.family, AF_INET);
  EXPECT_EQ(u.daddr.a4, htonl(0xc6336402));
  xfrm_address_t src;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_SRCADDR, &src));
  EXPECT_EQ(src.a4, htonl(0xc0000201));
  EXPECT_TRUE(b.attrs.Has(XFRMA_MARK));

  NlMessage g = BuildGetSa(OutId());
  auto gb = ReadBuilt(g, &u);
  EXPECT_EQ(gb.hdr.nlmsg_type, XFRM_MSG_GETSA);
  EXPECT_EQ(gb.hdr.nlmsg_flags, NLM_F_REQUEST);
  EXPECT_FALSE(gb.attrs.Has(XFRMA_MARK));

  NlMessage d = BuildSaDump();
  auto db = ReadBuilt(d, &u);
  EXPECT_EQ(db.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
}

TEST(BuildAddSa, Ipv6OuterAddresses) {
  SaId id{A("2001:db8::1"), A("2001:db8::2"), 0x1000, ike::ProtocolId::kEsp};
  auto m = BuildAddSa(id, GcmData(), false);
  ASSERT_TRUE(m.ok());
  xfrm_usersa_info p;
  ReadBuilt(*m, &p);
  EXPECT_EQ(p.family, AF_INET6);
  EXPECT_EQ(0, std::memcmp(&p.id.daddr, A("2001:db8::2").bytes().data(), 16));
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm
