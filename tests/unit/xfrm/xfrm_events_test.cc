// Parsing the kernel's EXPIRE / ACQUIRE / MAPPING events, including
// truncated and mutated messages, and how XfrmIpsec forwards them.
#include "daemon/kernel/xfrm/xfrm_events.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/xfrm.h>

#include <random>

#include "daemon/kernel/xfrm/xfrm_ipsec.h"
#include "daemon/kernel/xfrm/xfrm_monitor.h"

namespace ikevpn::kernel::xfrm {
namespace {

IpAddress A(const char* s) { return *IpAddress::Parse(s); }

NlMessage KernelExpire(bool hard, uint32_t if_id) {
  xfrm_user_expire ue{};
  ue.state.family = AF_INET;
  ue.state.saddr.a4 = htonl(0xc6336402);
  ue.state.id.daddr.a4 = htonl(0xc0000201);
  ue.state.id.spi = htonl(0xc0ffee01);
  ue.state.id.proto = IPPROTO_ESP;
  ue.state.reqid = 42;
  ue.hard = hard;
  NlBuilder b(XFRM_MSG_EXPIRE, 0);
  b.Struct(ue);
  b.AttrStruct(XFRMA_MARK, xfrm_mark{7, 0xff});
  b.AttrU32(XFRMA_IF_ID, if_id);
  return std::move(b).Finish();
}

NlMessage KernelAcquire(bool with_tmpl, uint32_t if_id) {
  xfrm_user_acquire ua{};
  ua.sel.family = AF_INET6;
  std::memcpy(&ua.sel.saddr, A("2001:db8:1::5").bytes().data(), 16);
  std::memcpy(&ua.sel.daddr, A("2001:db8:2::9").bytes().data(), 16);
  ua.sel.prefixlen_s = ua.sel.prefixlen_d = 128;
  ua.sel.proto = IPPROTO_UDP;
  ua.sel.dport = htons(53);
  ua.sel.dport_mask = 0xffff;
  NlBuilder b(XFRM_MSG_ACQUIRE, 0);
  b.Struct(ua);
  if (with_tmpl) {
    xfrm_user_tmpl t{};
    t.reqid = 77;
    t.id.proto = IPPROTO_ESP;
    b.AttrStruct(XFRMA_TMPL, t);
  }
  b.AttrU32(XFRMA_IF_ID, if_id);
  return std::move(b).Finish();
}

NlMessage KernelMapping() {
  xfrm_user_mapping um{};
  um.id.family = AF_INET;
  um.id.daddr.a4 = htonl(0xc0000201);
  um.id.spi = htonl(0xc0ffee01);
  um.id.proto = IPPROTO_ESP;
  um.reqid = 42;
  um.old_saddr.a4 = htonl(0xc6336402);
  um.new_saddr.a4 = htonl(0xcb007105);
  um.old_sport = htons(4500);
  um.new_sport = htons(31337);
  NlBuilder b(XFRM_MSG_MAPPING, 0);
  b.Struct(um);
  return std::move(b).Finish();
}

NlMessageView View(const NlMessage& m) { return SplitNlMessages(m.span())->front(); }

TEST(ParseXfrmEvent, SoftAndHardExpire) {
  NlMessage soft = KernelExpire(false, 0x10007);
  auto e = ParseXfrmEvent(View(soft));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const auto& x = std::get<ExpireEvent>(*e);
  EXPECT_EQ(x.kind, ExpireKind::kSoft);
  EXPECT_EQ(x.reqid, 42u);
  EXPECT_EQ(x.sa.spi, 0xc0ffee01u);
  EXPECT_EQ(x.sa.src, A("198.51.100.2"));
  EXPECT_EQ(x.sa.dst, A("192.0.2.1"));
  EXPECT_EQ(x.sa.proto, ike::ProtocolId::kEsp);
  EXPECT_EQ(x.sa.if_id, 0x10007u);
  EXPECT_EQ(x.sa.mark, 7u);
  EXPECT_EQ(x.sa.mark_mask, 0xffu);
  NlMessage hard = KernelExpire(true, 0x10007);
  EXPECT_EQ(std::get<ExpireEvent>(*ParseXfrmEvent(View(hard))).kind, ExpireKind::kHard);
}

TEST(ParseXfrmEvent, AcquireTakesReqidFromTemplateAndPacketSelectors) {
  NlMessage m = KernelAcquire(true, 0x10007);
  auto e = ParseXfrmEvent(View(m));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const auto& a = std::get<AcquireEvent>(*e);
  EXPECT_EQ(a.reqid, 77u);
  EXPECT_EQ(a.if_id, 0x10007u);
  EXPECT_EQ(a.src.start, A("2001:db8:1::5"));
  EXPECT_EQ(a.src.end, A("2001:db8:1::5"));
  EXPECT_EQ(a.dst.start, A("2001:db8:2::9"));
  EXPECT_EQ(a.dst.ip_protocol, IPPROTO_UDP);
  EXPECT_EQ(a.dst.start_port, 53);
  EXPECT_EQ(a.dst.end_port, 53);
  EXPECT_EQ(a.src.start_port, 0);
  EXPECT_EQ(a.src.end_port, 65535);

  NlMessage no_tmpl = KernelAcquire(false, 0x10007);
  auto bad = ParseXfrmEvent(View(no_tmpl));
  EXPECT_EQ(bad.status().code(), Code::kDrop);
  EXPECT_NE(bad.status().message().find("no template"), std::string::npos);
}

TEST(ParseXfrmEvent, MappingGivesNewRemoteEndpoint) {
  NlMessage m = KernelMapping();
  auto e = ParseXfrmEvent(View(m));
  ASSERT_TRUE(e.ok());
  const auto& x = std::get<MappingEvent>(*e);
  EXPECT_EQ(x.sa.dst, A("192.0.2.1"));
  EXPECT_EQ(x.sa.src, A("198.51.100.2"));
  EXPECT_EQ(x.sa.spi, 0xc0ffee01u);
  EXPECT_EQ(x.reqid, 42u);
  EXPECT_EQ(x.old_remote, (Endpoint{A("198.51.100.2"), 4500}));
  EXPECT_EQ(x.new_remote, (Endpoint{A("203.0.113.5"), 31337}));
}

TEST(ParseXfrmEvent, OtherTypesAreReportedNotParsed) {
  NlMessage m = NlBuilder(XFRM_MSG_POLEXPIRE, 0).Finish();
  auto e = ParseXfrmEvent(View(m));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(std::get<OtherEvent>(*e).type, XFRM_MSG_POLEXPIRE);
}

TEST(ParseXfrmEvent, EveryTruncationFailsCleanly) {
  for (NlMessage m : {KernelExpire(true, 1), KernelAcquire(true, 1), KernelMapping()}) {
    NlMessageView full = View(m);
    for (size_t n = 0; n < full.payload.size(); ++n) {
      NlMessageView cut = full;
      cut.payload = full.payload.first(n);
      auto e = ParseXfrmEvent(cut);
      // Fixed structs are all-or-nothing; a cut attribute is malformed.
      if (!e.ok()) {
        EXPECT_EQ(e.status().code(), Code::kDrop) << n;
      }
    }
    // Truncating the datagram itself (length field now lies) is caught by the split.
    for (size_t n = 1; n < m.size(); ++n) {
      auto split = SplitNlMessages(m.span().first(n));
      if (split.ok()) {
        EXPECT_TRUE(split->empty()) << n;
      }
    }
  }
}

TEST(ParseXfrmEvent, RandomMutationsNeverCrash) {
  std::mt19937 rng(1234);
  int parsed = 0, rejected = 0;
  for (NlMessage m : {KernelExpire(false, 1), KernelAcquire(true, 1), KernelMapping()}) {
    for (int round = 0; round < 2000; ++round) {
      Bytes b(m.span().begin(), m.span().end());
      for (int k = 0; k < 3; ++k) b[16 + rng() % (b.size() - 16)] = static_cast<uint8_t>(rng());
      auto split = SplitNlMessages(b);
      ASSERT_TRUE(split.ok());
      auto e = ParseXfrmEvent(split->front());
      (e.ok() ? parsed : rejected)++;
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
}

TEST(XfrmMonitorDispatch, DeliversGoodEventsAndCountsMalformed) {
  Bytes datagram;
  for (const NlMessage& m : {KernelExpire(false, 1), KernelAcquire(false, 1), KernelMapping()}) {
    datagram.insert(datagram.end(), m.span().begin(), m.span().end());
  }
  int events = 0;
  int dropped = XfrmMonitor::Dispatch(datagram, [&](const XfrmEvent&) { ++events; });
  EXPECT_EQ(events, 2);
  EXPECT_EQ(dropped, 1);
  datagram[0] = 0xff;  // first length now runs past the end: whole datagram dropped
  events = 0;
  EXPECT_EQ(XfrmMonitor::Dispatch(datagram, [&](const XfrmEvent&) { ++events; }), 1);
  EXPECT_EQ(events, 0);
}

class RecordingListener : public KernelListener {
 public:
  void OnExpire(const SaId& sa, uint32_t reqid, ExpireKind kind) override {
    expires.push_back({sa, reqid, kind});
  }
  void OnAcquire(uint32_t reqid, const TrafficSelector&, const TrafficSelector&) override {
    acquires.push_back(reqid);
  }
  void OnMapping(const SaId& sa, const Endpoint& remote) override {
    mappings.push_back({sa, remote});
  }
  std::vector<ExpireEvent> expires;
  std::vector<uint32_t> acquires;
  std::vector<std::pair<SaId, Endpoint>> mappings;
};

TEST(XfrmIpsecEvents, ForwardsOnlyOwnedObjects) {
  auto x = XfrmIpsec::Create(nullptr);
  if (!x.ok()) GTEST_SKIP() << "no NETLINK_XFRM socket: " << x.status().ToString();
  RecordingListener l;
  (*x)->SetListener(&l);
  for (uint32_t if_id : {uint32_t{0x10007}, uint32_t{7}}) {
    NlMessage e = KernelExpire(false, if_id);
    (*x)->HandleEvent(*ParseXfrmEvent(View(e)));
    NlMessage a = KernelAcquire(true, if_id);
    (*x)->HandleEvent(*ParseXfrmEvent(View(a)));
  }
  ASSERT_EQ(l.expires.size(), 1u);
  EXPECT_EQ(l.expires[0].sa.if_id, 0x10007u);
  ASSERT_EQ(l.acquires.size(), 1u);
  EXPECT_EQ(l.acquires[0], 77u);
  // MAPPING for an SA we do not track is ignored.
  NlMessage m = KernelMapping();
  (*x)->HandleEvent(*ParseXfrmEvent(View(m)));
  EXPECT_TRUE(l.mappings.empty());
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm
