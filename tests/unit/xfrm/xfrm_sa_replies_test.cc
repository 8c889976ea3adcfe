// Parsing NEWSA answers (GETSA, ALLOCSPI, dumps) and re-creating an SA at
// new addresses.
#include "daemon/kernel/xfrm/xfrm_sa_replies.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "daemon/kernel/xfrm/xfrm_sa_messages.h"
#include "tests/unit/xfrm/xfrm_test_util.h"

namespace ikevpn::kernel::xfrm {
namespace {

using testing::ReadBuilt;

IpAddress A(const char* s) { return *IpAddress::Parse(s); }

// What the kernel sends for an installed, used SA (type NEWSA).
NlMessage KernelSa(uint8_t mode = XFRM_MODE_TUNNEL, bool encap = true) {
  xfrm_usersa_info p{};
  p.family = AF_INET;
  p.saddr.a4 = htonl(0xc0000201);
  p.id.daddr.a4 = htonl(0xc6336402);
  p.id.spi = htonl(0xc0ffee01);
  p.id.proto = IPPROTO_ESP;
  p.mode = mode;
  p.reqid = 42;
  p.curlft.bytes = 123456;
  p.curlft.packets = 789;
  p.stats.replay = 3;
  p.stats.replay_window = 4;
  p.stats.integrity_failed = 5;
  if (mode == XFRM_MODE_TRANSPORT) {
    p.sel.family = AF_INET;
    p.sel.saddr = p.saddr;
    p.sel.daddr = p.id.daddr;
    p.sel.prefixlen_s = p.sel.prefixlen_d = 32;
  }
  NlBuilder b(XFRM_MSG_NEWSA, 0);
  b.Struct(p);
  b.AttrStruct(XFRMA_LASTUSED, uint64_t{1700000123});
  xfrm_algo_aead aead{};
  std::strcpy(aead.alg_name, "rfc4106(gcm(aes))");
  aead.alg_key_len = 160;
  aead.alg_icv_len = 128;
  uint8_t key[20] = {1, 2, 3};
  b.AttrStruct(XFRMA_ALG_AEAD, aead, key);
  xfrm_replay_state_esn esn{};
  esn.bmp_len = 1;
  esn.oseq = 1000;
  esn.replay_window = 32;
  uint8_t bmp[4] = {0xff, 0, 0, 0};
  b.AttrStruct(XFRMA_REPLAY_ESN_VAL, esn, bmp);
  if (encap) {
    xfrm_encap_tmpl e{};
    e.encap_type = UDP_ENCAP_ESPINUDP;
    e.encap_sport = htons(4500);
    e.encap_dport = htons(4500);
    b.AttrStruct(XFRMA_ENCAP, e);
  }
  b.AttrU32(XFRMA_IF_ID, 0x10007);
  b.AttrStruct(XFRMA_LTIME_VAL, xfrm_lifetime_cur{123456, 789, 1, 2});
  return std::move(b).Finish();
}

NlMessageView View(const NlMessage& m) { return SplitNlMessages(m.span())->front(); }

TEST(ParseSa, StatsFromCurlftStatsAndLastUsed) {
  NlMessage m = KernelSa();
  auto s = ParseSaStats(View(m));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->bytes, 123456u);
  EXPECT_EQ(s->packets, 789u);
  EXPECT_EQ(s->last_use, 1700000123);
  EXPECT_EQ(s->replay_drops, 7u);
  EXPECT_EQ(s->auth_failures, 5u);
}

TEST(ParseSa, RecordAndAllocSpiAndEncap) {
  NlMessage m = KernelSa();
  auto r = ParseSaRecord(View(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id.src, A("192.0.2.1"));
  EXPECT_EQ(r->id.dst, A("198.51.100.2"));
  EXPECT_EQ(r->id.spi, 0xc0ffee01u);
  EXPECT_EQ(r->id.proto, ike::ProtocolId::kEsp);
  EXPECT_EQ(r->id.if_id, 0x10007u);
  EXPECT_EQ(r->reqid, 42u);
  EXPECT_FALSE(r->larval);
  auto spi = ParseAllocSpiReply(View(m));
  ASSERT_TRUE(spi.ok());
  EXPECT_EQ(*spi, 0xc0ffee01u);
  auto e = ParseSaEncap(View(m));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->src_port, 4500);
  EXPECT_FALSE(ParseSaEncap(View(KernelSa(XFRM_MODE_TUNNEL, false))));
}

TEST(ParseSa, TruncatedAnswersFailCleanly) {
  NlMessage m = KernelSa();
  for (size_t n = 0; n < m.size(); ++n) {
    NlMessageView v = View(m);
    v.payload = v.payload.first(std::min(n, v.payload.size()));
    auto r = ParseSaRecord(v);
    if (n < sizeof(xfrm_usersa_info)) {
      EXPECT_FALSE(r.ok()) << n;
    }
    (void)ParseSaStats(v);
    (void)BuildMovedSa(v, A("192.0.2.9"), A("198.51.100.2"), std::nullopt);
  }
  NlMessageView wrong = View(m);
  wrong.type = XFRM_MSG_NEWPOLICY;
  EXPECT_EQ(ParseSaRecord(wrong).status().code(), Code::kDrop);
}

TEST(BuildMovedSa, NewAddressesSameKeysReplayAndCounters) {
  NlMessage m = KernelSa();
  auto moved = BuildMovedSa(View(m), A("192.0.2.9"), A("198.51.100.2"), UdpEncap{4500, 31000});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  xfrm_usersa_info p;
  auto b = ReadBuilt(*moved, &p);
  EXPECT_EQ(b.hdr.nlmsg_type, XFRM_MSG_NEWSA);
  EXPECT_EQ(b.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(p.saddr.a4, htonl(0xc0000209));
  EXPECT_EQ(p.id.daddr.a4, htonl(0xc6336402));
  EXPECT_EQ(ntohl(p.id.spi), 0xc0ffee01u);
  EXPECT_EQ(p.reqid, 42u);
  EXPECT_EQ(p.curlft.bytes, 0u);  // carried by XFRMA_LTIME_VAL instead
  xfrm_lifetime_cur lt;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_LTIME_VAL, &lt));
  EXPECT_EQ(lt.bytes, 123456u);
  xfrm_replay_state_esn esn;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_REPLAY_ESN_VAL, &esn));
  EXPECT_EQ(esn.oseq, 1000u);
  EXPECT_EQ(b.attrs.Get(XFRMA_REPLAY_ESN_VAL)->size(), sizeof esn + 4);
  auto original = NlAttrs::Parse(AttrsAfter(View(m).payload, sizeof p));
  EXPECT_EQ(ToHex(*b.attrs.Get(XFRMA_ALG_AEAD)), ToHex(*original->Get(XFRMA_ALG_AEAD)))
      << "the key is carried over";
  uint32_t if_id = 0;
  EXPECT_TRUE(b.attrs.GetU32(XFRMA_IF_ID, &if_id));
  EXPECT_EQ(if_id, 0x10007u);
  xfrm_encap_tmpl e;
  ASSERT_TRUE(b.attrs.GetStruct(XFRMA_ENCAP, &e));
  EXPECT_EQ(ntohs(e.encap_dport), 31000);
  EXPECT_FALSE(b.attrs.Has(XFRMA_LASTUSED));
}

TEST(BuildMovedSa, DropsEncapAndMovesTransportHostSelector) {
  NlMessage m = KernelSa(XFRM_MODE_TRANSPORT);
  auto moved = BuildMovedSa(View(m), A("192.0.2.9"), A("198.51.100.7"), std::nullopt);
  ASSERT_TRUE(moved.ok());
  xfrm_usersa_info p;
  auto b = ReadBuilt(*moved, &p);
  EXPECT_FALSE(b.attrs.Has(XFRMA_ENCAP));
  EXPECT_EQ(p.sel.saddr.a4, htonl(0xc0000209));
  EXPECT_EQ(p.sel.daddr.a4, htonl(0xc6336407));
  EXPECT_FALSE(BuildMovedSa(View(m), A("192.0.2.9"), A("2001:db8::1"), std::nullopt).ok());
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm
