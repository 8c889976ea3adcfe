// The SA database: SPI allocation, add/update/delete/query, time lifetimes.
#include "daemon/kernel/userspace/sa_table.h"

#include <gtest/gtest.h>

#include <deque>

#include "tests/unit/userspace/test_util.h"

namespace ikevpn::kernel::userspace {
namespace {

using testing::Ip;
using testing::MakeSaData;

class ScriptedRng final : public Rng {
 public:
  std::deque<uint32_t> values;
  void Fill(std::span<uint8_t> out) override {
    uint32_t v = values.empty() ? 0x5000 : values.front();
    if (!values.empty()) values.pop_front();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(v >> (24 - 8 * (i % 4)));
  }
};

SaId MakeId(uint32_t spi, const char* src, const char* dst, uint32_t if_id = 7) {
  SaId id;
  id.src = Ip(src);
  id.dst = Ip(dst);
  id.spi = spi;
  id.if_id = if_id;
  return id;
}

class SaTableTest : public ::testing::Test {
 protected:
  SaTableTest() : timers_(clock_), table_(timers_, rng_) {
    table_.SetExpireHandler([this](const SaId& id, uint32_t, ExpireKind kind) {
      events_.push_back({id.spi, kind});
    });
  }
  SaData Data(bool inbound) { return MakeSaData(testing::AllAlgorithms()[0], 1, inbound); }

  FakeClock clock_;
  TimerQueue timers_;
  ScriptedRng rng_;
  SaTable table_;
  std::vector<std::pair<uint32_t, ExpireKind>> events_;
};

TEST_F(SaTableTest, AllocateSpiSkipsReservedAndUsed) {
  rng_.values = {0, 17, 255, 0x1000, 0x1000, 0x2000};
  EXPECT_EQ(*table_.AllocateSpi(), 0x1000u);  // 0, 17, 255 reserved
  EXPECT_EQ(*table_.AllocateSpi(), 0x2000u);  // 0x1000 is larval
  ASSERT_TRUE(table_.Add(MakeId(0x2000, "192.0.2.2", "192.0.2.1"), Data(true)).ok());
  rng_.values = {0x2000, 0x3000};
  EXPECT_EQ(*table_.AllocateSpi(), 0x3000u);  // 0x2000 installed
}

TEST_F(SaTableTest, LarvalSpiIsReleasedAfterTimeout) {
  rng_.values = {0x1000, 0x1000};
  ASSERT_EQ(*table_.AllocateSpi(), 0x1000u);
  AdvanceAndRun(clock_, timers_, kLarvalSpiTimeout + std::chrono::seconds(1));
  EXPECT_EQ(*table_.AllocateSpi(), 0x1000u);
}

TEST_F(SaTableTest, AddNeedsEncapTunnelModeAndUniqueKeys) {
  SaData d = Data(false);
  d.encap.reset();
  EXPECT_EQ(table_.Add(MakeId(0x1234, "192.0.2.1", "192.0.2.2"), d).code(), Code::kUnsupported);
  d = Data(false);
  d.mode = IpsecMode::kTransport;
  EXPECT_EQ(table_.Add(MakeId(0x1234, "192.0.2.1", "192.0.2.2"), d).code(), Code::kUnsupported);
  EXPECT_EQ(table_.Add(MakeId(7, "192.0.2.1", "192.0.2.2"), Data(false)).code(),
            Code::kInvalidArgument);
  ASSERT_TRUE(table_.Add(MakeId(0x1234, "192.0.2.1", "192.0.2.2"), Data(false)).ok());
  EXPECT_EQ(table_.Add(MakeId(0x1234, "192.0.2.1", "192.0.2.2"), Data(false)).code(), Code::kExists);
  SaData bad = Data(false);
  bad.encr_key = SecretBytes(3);
  EXPECT_FALSE(table_.Add(MakeId(0x1235, "192.0.2.1", "192.0.2.2"), bad).ok());
  EXPECT_EQ(table_.size(), 1u);
}

TEST_F(SaTableTest, DeleteAndQuery) {
  SaId id = MakeId(0x1234, "192.0.2.2", "192.0.2.1");
  ASSERT_TRUE(table_.Add(id, Data(true)).ok());
  EXPECT_NE(table_.index().FindInbound(0x1234), nullptr);
  auto stats = table_.Query(id);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->packets, 0u);
  ASSERT_TRUE(table_.Delete(id).ok());
  EXPECT_EQ(table_.index().FindInbound(0x1234), nullptr);
  EXPECT_EQ(table_.Query(id).status().code(), Code::kNotFound);
  EXPECT_EQ(table_.Delete(id).code(), Code::kNotFound);
}

TEST_F(SaTableTest, UpdateMovesTheSaToNewEndpoints) {
  SaId id = MakeId(0x1234, "192.0.2.1", "192.0.2.2");
  ASSERT_TRUE(table_.Add(id, Data(false)).ok());
  UdpEncap encap{4500, 31000};
  ASSERT_TRUE(table_.Update(id, Ip("198.51.100.1"), Ip("198.51.100.2"), encap).ok());
  EXPECT_EQ(table_.Query(id).status().code(), Code::kNotFound);
  SaId moved = MakeId(0x1234, "198.51.100.1", "198.51.100.2");
  ASSERT_TRUE(table_.Query(moved).ok());
  const SaEntry* sa = nullptr;
  table_.ForEach([&](const SaEntry& e) { sa = &e; });
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->peer, (Endpoint{Ip("198.51.100.2"), 31000}));
  EXPECT_EQ(table_.Update(id, Ip("198.51.100.1"), Ip("198.51.100.2"), encap).code(),
            Code::kNotFound);
}

TEST_F(SaTableTest, TimeLifetimesFireSoftThenHardOnce) {
  SaData d = Data(false);
  d.soft.seconds = 10;
  d.hard.seconds = 20;
  d.remote_ts = {testing::Ts("10.2.0.0/16")};
  SaId id = MakeId(0x1234, "192.0.2.1", "192.0.2.2");
  ASSERT_TRUE(table_.Add(id, d).ok());
  AdvanceAndRun(clock_, timers_, std::chrono::seconds(9));
  EXPECT_TRUE(events_.empty());
  AdvanceAndRun(clock_, timers_, std::chrono::seconds(1));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0], std::make_pair(0x1234u, ExpireKind::kSoft));
  InnerPacket p;
  ASSERT_EQ(ParseInnerPacket(testing::MakeUdpPacket("10.1.0.1", "10.2.0.1", 1, 2, 0), 0, &p),
            EspError::kOk);
  EXPECT_NE(table_.index().FindOutbound(7, p, 0), nullptr);  // soft: still used
  AdvanceAndRun(clock_, timers_, std::chrono::seconds(10));
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1], std::make_pair(0x1234u, ExpireKind::kHard));
  EXPECT_EQ(table_.index().FindOutbound(7, p, 0), nullptr);  // hard: no longer used
  EXPECT_TRUE(table_.Query(id).ok());                     // until deleted
  AdvanceAndRun(clock_, timers_, std::chrono::seconds(100));
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(SaTableTest, DeleteCancelsLifetimeTimers) {
  SaData d = Data(true);
  d.soft.seconds = 5;
  SaId id = MakeId(0x1234, "192.0.2.2", "192.0.2.1");
  ASSERT_TRUE(table_.Add(id, d).ok());
  ASSERT_TRUE(table_.Delete(id).ok());
  AdvanceAndRun(clock_, timers_, std::chrono::seconds(10));
  EXPECT_TRUE(events_.empty());
}

TEST_F(SaTableTest, ReportLimitIgnoresDeletedSa) {
  SaId id = MakeId(0x1234, "192.0.2.2", "192.0.2.1");
  ASSERT_TRUE(table_.Add(id, Data(true)).ok());
  uint64_t serial = table_.index().FindInbound(0x1234)->serial;
  table_.ReportLimit(serial, ExpireKind::kSoft);
  EXPECT_EQ(events_.size(), 1u);
  ASSERT_TRUE(table_.Delete(id).ok());
  table_.ReportLimit(serial, ExpireKind::kHard);
  EXPECT_EQ(events_.size(), 1u);
}

}  // namespace
}  // namespace ikevpn::kernel::userspace
