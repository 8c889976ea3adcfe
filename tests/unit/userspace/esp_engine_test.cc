// Two in-process peers with mirrored SAs, driven packet by packet through
// their EspEngines: round trips, replay, selectors, lifetimes, sequence
// number exhaustion, make-before-break and road-warrior SA choice.
#include "daemon/kernel/userspace/esp_engine.h"

#include <gtest/gtest.h>

#include "daemon/kernel/userspace/sa_table.h"
#include "tests/unit/userspace/test_util.h"

namespace ikevpn::kernel::userspace {
namespace {

using testing::Algorithm;
using testing::Ip;
using testing::MakeUdpPacket;
using testing::Slot;
using testing::Ts;

constexpr uint32_t kIfId = 1;
constexpr int64_t kNow = 1700000000;

struct Peer {
  explicit Peer(const char* addr) : address(Ip(addr)) {}
  IpAddress address;
  FakeClock clock;
  TimerQueue timers{clock};
  DeterministicRng rng{1};
  SaTable table{timers, rng};
  DatapathCounters counters;
  testing::RecordingSink sink;
  DeterministicRng iv_rng{2};
  EspEngine engine{sink, counters, iv_rng};
};

struct PairOptions {
  Algorithm alg = testing::AllAlgorithms()[1];
  bool esn = false;
  uint64_t initial_seq = 0;
  Lifetime out_soft, out_hard, in_soft, in_hard;
  TrafficSelectors out_local = {Ts("10.1.0.0/16"), Ts("fd00:1::/64")};
  TrafficSelectors out_remote = {Ts("10.2.0.0/16"), Ts("fd00:2::/64")};
  TrafficSelectors in_local = {Ts("10.2.0.0/16"), Ts("fd00:2::/64")};
  TrafficSelectors in_remote = {Ts("10.1.0.0/16"), Ts("fd00:1::/64")};
  uint32_t reqid = 1;  // the CHILD_SA
  bool add_out = true;
  bool add_in = true;
};

// Installs `from`'s outbound SA and `to`'s matching inbound SA.
void AddPair(Peer& from, Peer& to, uint32_t spi, const PairOptions& o = {}) {
  SaId id;
  id.src = from.address;
  id.dst = to.address;
  id.spi = spi;
  id.if_id = kIfId;
  SaData out = testing::MakeSaData(o.alg, static_cast<uint8_t>(spi), false, o.esn);
  out.initial_seq = o.initial_seq;
  out.soft = o.out_soft;
  out.hard = o.out_hard;
  out.local_ts = o.out_local;
  out.remote_ts = o.out_remote;
  out.reqid = o.reqid;
  if (o.add_out) {
    ASSERT_TRUE(from.table.Add(id, out).ok());
  }
  SaData in = testing::MakeSaData(o.alg, static_cast<uint8_t>(spi), true, o.esn);
  in.soft = o.in_soft;
  in.hard = o.in_hard;
  in.local_ts = o.in_local;
  in.remote_ts = o.in_remote;
  in.reqid = o.reqid;
  if (o.add_in) {
    ASSERT_TRUE(to.table.Add(id, in).ok());
  }
}

SaId IdOf(Peer& from, Peer& to, uint32_t spi) {
  SaId id;
  id.src = from.address;
  id.dst = to.address;
  id.spi = spi;
  id.if_id = kIfId;
  return id;
}

EspError Encap(Peer& from, Slot& slot, int64_t now = kNow) {
  Endpoint peer;
  return from.engine.Encapsulate(from.table.index(), kIfId, now, slot.pkt, &peer);
}

EspError Decap(Peer& from, Peer& to, Slot& slot, uint16_t port = 4500) {
  uint32_t if_id = 0;
  return to.engine.Decapsulate(to.table.index(), {from.address, port}, kNow, slot.pkt, &if_id);
}

class EspEngineTest : public ::testing::Test {
 protected:
  Peer alice_{"192.0.2.1"};
  Peer bob_{"192.0.2.2"};
  Bytes v4_ = MakeUdpPacket("10.1.0.1", "10.2.0.1", 1000, 2000, 1000);
  Bytes v6_ = MakeUdpPacket("fd00:1::1", "fd00:2::1", 1000, 2000, 1000);
};

class EspEngineAlgTest : public EspEngineTest, public ::testing::WithParamInterface<Algorithm> {};

TEST_P(EspEngineAlgTest, RoundTripBothFamiliesAndCounters) {
  PairOptions o;
  o.alg = GetParam();
  AddPair(alice_, bob_, 0x1001, o);
  for (const Bytes& inner : {v4_, v6_, v4_}) {
    Slot slot(inner);
    ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
    EXPECT_NE(slot.bytes(), inner);
    ASSERT_EQ(Decap(alice_, bob_, slot), EspError::kOk);
    EXPECT_EQ(slot.bytes(), inner);
  }
  auto out = alice_.table.Query(IdOf(alice_, bob_, 0x1001));
  auto in = bob_.table.Query(IdOf(alice_, bob_, 0x1001));
  EXPECT_EQ(out->packets, 3u);
  EXPECT_EQ(in->packets, 3u);
  EXPECT_EQ(in->bytes, 2 * v4_.size() + v6_.size());
  EXPECT_EQ(out->last_use, kNow);
}

INSTANTIATE_TEST_SUITE_P(AllTransforms, EspEngineAlgTest,
                         ::testing::ValuesIn(testing::AllAlgorithms()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(EspEngineTest, CbcIvsAreRandomAeadIvIsTheSequenceNumber) {
  PairOptions o;
  o.alg = testing::AllAlgorithms()[3];
  AddPair(alice_, bob_, 0x1001, o);
  Slot a(v4_), b(v4_);
  ASSERT_EQ(Encap(alice_, a), EspError::kOk);
  ASSERT_EQ(Encap(alice_, b), EspError::kOk);
  EXPECT_NE(Bytes(a.pkt.data() + 8, a.pkt.data() + 24), Bytes(b.pkt.data() + 8, b.pkt.data() + 24));

  AddPair(alice_, bob_, 0x2002, PairOptions{});  // AES-GCM, newest: used now
  Slot c(v4_);
  ASSERT_EQ(Encap(alice_, c), EspError::kOk);
  EXPECT_EQ(ToHex({c.pkt.data(), 16}), "0000200200000001" "0000000000000001");
}

TEST_F(EspEngineTest, ReplayAndForgeryAreCountedPerSa) {
  AddPair(alice_, bob_, 0x1001);
  Slot slot(v4_);
  ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
  Slot copy(slot.bytes()), forged(slot.bytes());
  ASSERT_EQ(Decap(alice_, bob_, slot), EspError::kOk);
  EXPECT_EQ(Decap(alice_, bob_, copy), EspError::kReplay);
  Slot next(v4_);
  ASSERT_EQ(Encap(alice_, next), EspError::kOk);
  next.pkt.data()[40] ^= 0x80;
  EXPECT_EQ(Decap(alice_, bob_, next), EspError::kAuthFailed);
  auto stats = bob_.table.Query(IdOf(alice_, bob_, 0x1001));
  EXPECT_EQ(stats->replay_drops, 1u);
  EXPECT_EQ(stats->auth_failures, 1u);
  EXPECT_EQ(stats->packets, 1u);
  EXPECT_EQ(bob_.counters.Drops(EspError::kReplay), 1u);
  // The forged packet did not move the window: the genuine one still passes.
  next.pkt.data()[40] ^= 0x80;
  Slot again(v4_);
  ASSERT_EQ(Encap(alice_, again), EspError::kOk);
  EXPECT_EQ(Decap(alice_, bob_, again), EspError::kOk);
}

TEST_F(EspEngineTest, InboundPacketOutsideSelectorsIsDropped) {
  PairOptions o;
  o.out_local = {};  // the sender puts anything in
  AddPair(alice_, bob_, 0x1001, o);
  Slot slot(MakeUdpPacket("10.9.0.1", "10.2.0.1", 1, 2, 10));
  ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
  EXPECT_EQ(Decap(alice_, bob_, slot), EspError::kPolicy);
  EXPECT_EQ(bob_.counters.Drops(EspError::kPolicy), 1u);
}

TEST_F(EspEngineTest, NoSaIsDroppedAndCounted) {
  AddPair(alice_, bob_, 0x1001);
  Slot other(MakeUdpPacket("10.1.0.1", "10.3.0.1", 1, 2, 10));
  EXPECT_EQ(Encap(alice_, other), EspError::kNoSa);
  Slot slot(v4_);
  ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
  StoreBe32(slot.pkt.data(), 0x9999);
  EXPECT_EQ(Decap(alice_, bob_, slot), EspError::kNoSa);
  EXPECT_EQ(alice_.counters.Drops(EspError::kNoSa), 1u);
  EXPECT_EQ(bob_.counters.Drops(EspError::kNoSa), 1u);
}

TEST_F(EspEngineTest, PacketLifetimeSoftThenHardStopsTheSa) {
  PairOptions o;
  o.out_soft.packets = 3;
  o.out_hard.packets = 5;
  AddPair(alice_, bob_, 0x1001, o);
  for (int i = 1; i <= 5; ++i) {
    Slot slot(v4_);
    ASSERT_EQ(Encap(alice_, slot), EspError::kOk) << i;
    if (i < 3) {
      EXPECT_TRUE(alice_.sink.limits.empty());
    } else if (i < 5) {
      EXPECT_EQ(alice_.sink.limits.size(), 1u);
    }
  }
  ASSERT_EQ(alice_.sink.limits.size(), 2u);
  EXPECT_EQ(alice_.sink.limits[0].second, ExpireKind::kSoft);
  EXPECT_EQ(alice_.sink.limits[1].second, ExpireKind::kHard);
  Slot after(v4_);
  EXPECT_EQ(Encap(alice_, after), EspError::kNoSa);  // expired SA is skipped
  EXPECT_EQ(alice_.sink.limits.size(), 2u);
}

TEST_F(EspEngineTest, ByteLifetimeOnInboundSa) {
  PairOptions o;
  o.in_soft.bytes = v4_.size() + 1;
  o.in_hard.bytes = 3 * v4_.size();
  AddPair(alice_, bob_, 0x1001, o);
  std::vector<EspError> results;
  for (int i = 0; i < 4; ++i) {
    Slot slot(v4_);
    ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
    results.push_back(Decap(alice_, bob_, slot));
  }
  EXPECT_EQ(results, (std::vector<EspError>{EspError::kOk, EspError::kOk, EspError::kOk,
                                            EspError::kExpired}));
  ASSERT_EQ(bob_.sink.limits.size(), 2u);
  EXPECT_EQ(bob_.sink.limits[0].second, ExpireKind::kSoft);
  EXPECT_EQ(bob_.sink.limits[1].second, ExpireKind::kHard);
}

TEST_F(EspEngineTest, SequenceNumberNearWrapForcesRekey) {
  PairOptions o;
  o.initial_seq = SeqLimits::For(false).soft - 1;
  AddPair(alice_, bob_, 0x1001, o);
  Slot slot(v4_);
  ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
  ASSERT_EQ(alice_.sink.limits.size(), 1u);
  EXPECT_EQ(alice_.sink.limits[0].second, ExpireKind::kSoft);

  o.initial_seq = 0xfffffffe;
  AddPair(alice_, bob_, 0x2002, o);
  Slot last(v4_);
  ASSERT_EQ(Encap(alice_, last), EspError::kOk);  // seq 0xffffffff: the last one
  EXPECT_EQ(LoadBe32(last.pkt.data() + 4), 0xffffffffu);
  Slot refused(v4_);
  EXPECT_EQ(Encap(alice_, refused), EspError::kExpired);  // would wrap: never sent
  ASSERT_EQ(alice_.sink.limits.size(), 3u);  // soft 0x1001, soft 0x2002, hard 0x2002
  EXPECT_EQ(alice_.sink.limits[1].second, ExpireKind::kSoft);
  EXPECT_EQ(alice_.sink.limits[2].second, ExpireKind::kHard);
  Slot fallback(v4_);
  ASSERT_EQ(Encap(alice_, fallback), EspError::kOk);  // the older SA still works
  EXPECT_EQ(LoadBe32(fallback.pkt.data()), 0x1001u);
}

TEST_F(EspEngineTest, EsnCarriesOnAcrossTheLow32BitWrap) {
  PairOptions o;
  o.esn = true;
  o.initial_seq = 0xfffffffd;
  AddPair(alice_, bob_, 0x1001, o);
  ASSERT_TRUE(bob_.table.index().FindInbound(0x1001)->replay.Update(0xfffffff0));
  for (uint64_t expect : {0xfffffffeull, 0xffffffffull, 0x1'00000000ull, 0x1'00000001ull}) {
    Slot slot(v4_);
    ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
    EXPECT_EQ(LoadBe32(slot.pkt.data() + 4), static_cast<uint32_t>(expect));
    ASSERT_EQ(Decap(alice_, bob_, slot), EspError::kOk);
    EXPECT_EQ(bob_.table.index().FindInbound(0x1001)->replay.top(), expect);
  }
}

// Make-before-break: the new outbound SA takes over at once; the old
// inbound SA still decrypts what was in flight until it is deleted.
TEST_F(EspEngineTest, MakeBeforeBreakRekey) {
  AddPair(alice_, bob_, 0x1001);
  Slot in_flight(v4_), late(v4_);
  ASSERT_EQ(Encap(alice_, in_flight), EspError::kOk);
  ASSERT_EQ(Encap(alice_, late), EspError::kOk);
  AddPair(alice_, bob_, 0x2002);
  Slot fresh(v4_);
  ASSERT_EQ(Encap(alice_, fresh), EspError::kOk);
  EXPECT_EQ(LoadBe32(fresh.pkt.data()), 0x2002u);
  EXPECT_EQ(Decap(alice_, bob_, fresh), EspError::kOk);
  EXPECT_EQ(Decap(alice_, bob_, in_flight), EspError::kOk);
  ASSERT_TRUE(bob_.table.Delete(IdOf(alice_, bob_, 0x1001)).ok());
  EXPECT_EQ(Decap(alice_, bob_, late), EspError::kNoSa);
  // Deleting the old outbound SA leaves the new one in use.
  ASSERT_TRUE(alice_.table.Delete(IdOf(alice_, bob_, 0x1001)).ok());
  Slot after(v4_);
  ASSERT_EQ(Encap(alice_, after), EspError::kOk);
  EXPECT_EQ(LoadBe32(after.pkt.data()), 0x2002u);
}

// RFC 7296 §2.8: the responder of a CHILD_SA rekey installs the new SAs
// before the initiator has seen the answer; it keeps sending on the old
// outbound SA until the initiator's traffic arrives on the new inbound one.
TEST_F(EspEngineTest, RekeyResponderSwitchesWhenThePeerDoes) {
  Bytes to_alice = MakeUdpPacket("10.2.0.1", "10.1.0.1", 2000, 1000, 100);
  PairOptions back;  // bob -> alice
  std::swap(back.out_local, back.in_local);
  std::swap(back.out_remote, back.in_remote);
  AddPair(alice_, bob_, 0x1001);
  AddPair(bob_, alice_, 0x1002, back);
  Slot ping(v4_);
  ASSERT_EQ(Encap(alice_, ping), EspError::kOk);
  ASSERT_EQ(Decap(alice_, bob_, ping), EspError::kOk);  // confirms bob's 0x1002

  // CREATE_CHILD_SA: bob answers and installs reqid 2 (in 0x2001, out 0x2002).
  PairOptions fresh_in, fresh_out = back;
  fresh_in.reqid = fresh_out.reqid = 2;
  fresh_in.add_out = false;
  fresh_out.add_in = false;
  AddPair(alice_, bob_, 0x2001, fresh_in);
  AddPair(bob_, alice_, 0x2002, fresh_out);
  Slot reply(to_alice);
  ASSERT_EQ(Encap(bob_, reply), EspError::kOk);
  EXPECT_EQ(LoadBe32(reply.pkt.data()), 0x1002u);  // alice has no 0x2002 yet
  EXPECT_EQ(Decap(bob_, alice_, reply), EspError::kOk);

  // Alice processes the answer: installs both, drops her old outbound SA.
  fresh_in.add_in = false;
  fresh_in.add_out = true;
  fresh_out.add_in = true;
  fresh_out.add_out = false;
  AddPair(alice_, bob_, 0x2001, fresh_in);
  AddPair(bob_, alice_, 0x2002, fresh_out);
  ASSERT_TRUE(alice_.table.Delete(IdOf(alice_, bob_, 0x1001)).ok());
  Slot next(v4_);
  ASSERT_EQ(Encap(alice_, next), EspError::kOk);
  EXPECT_EQ(LoadBe32(next.pkt.data()), 0x2001u);
  ASSERT_EQ(Decap(alice_, bob_, next), EspError::kOk);  // bob: alice switched
  Slot reply2(to_alice);
  ASSERT_EQ(Encap(bob_, reply2), EspError::kOk);
  EXPECT_EQ(LoadBe32(reply2.pkt.data()), 0x2002u);
  EXPECT_EQ(Decap(bob_, alice_, reply2), EspError::kOk);
}

TEST_F(EspEngineTest, UnconfirmedNewOutboundSaTakesOverAfterAWhile) {
  AddPair(alice_, bob_, 0x1001);
  Slot a(v4_), a2(v4_);
  ASSERT_EQ(Encap(alice_, a, kNow - 10), EspError::kOk);
  ASSERT_EQ(Encap(alice_, a2, kNow - 5), EspError::kOk);  // old one confirmed by age
  PairOptions o;
  o.reqid = 2;
  AddPair(alice_, bob_, 0x2002, o);
  Slot b(v4_), c(v4_), d(v4_);
  ASSERT_EQ(Encap(alice_, b, kNow), EspError::kOk);
  EXPECT_EQ(LoadBe32(b.pkt.data()), 0x1001u);
  ASSERT_EQ(Encap(alice_, c, kNow + kConfirmSeconds - 1), EspError::kOk);
  EXPECT_EQ(LoadBe32(c.pkt.data()), 0x1001u);
  ASSERT_EQ(Encap(alice_, d, kNow + kConfirmSeconds), EspError::kOk);
  EXPECT_EQ(LoadBe32(d.pkt.data()), 0x2002u);
}

TEST_F(EspEngineTest, RoadWarriorGatewayChoosesSaByInnerDestination) {
  Peer client1("192.0.2.11"), client2("192.0.2.12");
  PairOptions o;
  o.out_local = {Ts("0.0.0.0/0")};
  o.in_remote = {Ts("0.0.0.0/0")};
  o.out_remote = {Ts("10.9.0.1/32")};
  o.in_local = {Ts("10.9.0.1/32")};
  AddPair(alice_, client1, 0x1001, o);
  o.out_remote = {Ts("10.9.0.2/32")};
  o.in_local = {Ts("10.9.0.2/32")};
  AddPair(alice_, client2, 0x2002, o);
  Slot to2(MakeUdpPacket("10.1.0.1", "10.9.0.2", 1, 2, 10));
  Endpoint peer;
  ASSERT_EQ(alice_.engine.Encapsulate(alice_.table.index(), kIfId, kNow, to2.pkt, &peer),
            EspError::kOk);
  EXPECT_EQ(LoadBe32(to2.pkt.data()), 0x2002u);
  EXPECT_EQ(peer, (Endpoint{Ip("192.0.2.12"), 4500}));
  EXPECT_EQ(Decap(alice_, client2, to2), EspError::kOk);
  Slot to1(MakeUdpPacket("10.1.0.1", "10.9.0.1", 1, 2, 10));
  ASSERT_EQ(Encap(alice_, to1), EspError::kOk);
  EXPECT_EQ(LoadBe32(to1.pkt.data()), 0x1001u);
  Slot to3(MakeUdpPacket("10.1.0.1", "10.9.0.3", 1, 2, 10));
  EXPECT_EQ(Encap(alice_, to3), EspError::kNoSa);
}

TEST_F(EspEngineTest, NatMappingChangeIsReportedOnce) {
  AddPair(alice_, bob_, 0x1001);
  for (uint16_t port : {4500, 31000, 31001}) {
    Slot slot(v4_);
    ASSERT_EQ(Encap(alice_, slot), EspError::kOk);
    ASSERT_EQ(Decap(alice_, bob_, slot, port), EspError::kOk);
  }
  ASSERT_EQ(bob_.sink.mappings.size(), 1u);
  EXPECT_EQ(bob_.sink.mappings[0].second, (Endpoint{alice_.address, 31000}));
}

}  // namespace
}  // namespace ikevpn::kernel::userspace
