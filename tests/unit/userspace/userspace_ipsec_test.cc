// UserspaceIpsec as the IKE side sees it: policies, the shared NAT-T socket
// (IKE handed to the loop through a bounded queue, keepalives), NAT
// keepalives to idle peers.
#include "daemon/kernel/userspace/userspace_ipsec.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/unit/userspace/test_util.h"

namespace ikevpn::kernel::userspace {
namespace {

using testing::Ip;
using testing::Ts;

// A UDP socket on 127.0.0.1 with an ephemeral port.
struct UdpSocket {
  UdpSocket() {
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~UdpSocket() { close(fd); }
  void SendTo(uint16_t to_port, const Bytes& data) const {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(to_port);
    sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  int fd;
  uint16_t port;
};

class UserspaceIpsecTest : public ::testing::Test {
 protected:
  void Make(UserspaceOptions options) {
    ASSERT_TRUE(loop_.Init().ok());
    ipsec_ = std::make_unique<UserspaceIpsec>(loop_, rng_, std::move(options));
  }
  SaId OutId(uint32_t spi) {
    SaId id;
    id.src = Ip("127.0.0.1");
    id.dst = Ip("127.0.0.1");
    id.spi = spi;
    id.if_id = 3;
    return id;
  }

  SystemClock clock_;
  EventLoop loop_{clock_};
  DeterministicRng rng_{7};
  std::unique_ptr<UserspaceIpsec> ipsec_;
};

TEST_F(UserspaceIpsecTest, PoliciesAreRecordedNotEnforced) {
  Make({});
  PolicyId id;
  id.src = Ts("10.1.0.0/16");
  id.dst = Ts("10.2.0.0/16");
  id.if_id = 3;
  EXPECT_TRUE(ipsec_->AddPolicy(id, {}).ok());
  EXPECT_EQ(ipsec_->AddPolicy(id, {}).code(), Code::kExists);
  EXPECT_EQ(ipsec_->policy_count(), 1u);
  EXPECT_TRUE(ipsec_->DeletePolicy(id).ok());
  EXPECT_EQ(ipsec_->DeletePolicy(id).code(), Code::kNotFound);
  EXPECT_EQ(ipsec_->name(), "userspace");
}

TEST_F(UserspaceIpsecTest, SaLifecycleWithRealCipher) {
  Make({});
  auto spi = ipsec_->AllocateSpi(Ip("127.0.0.1"), Ip("127.0.0.1"), ike::ProtocolId::kEsp);
  ASSERT_TRUE(spi.ok());
  EXPECT_GE(*spi, kMinSpi);
  SaId id = OutId(*spi);
  ASSERT_TRUE(ipsec_->AddSa(id, testing::MakeSaData(testing::AllAlgorithms()[2], 1, true)).ok());
  EXPECT_TRUE(ipsec_->QuerySa(id).ok());
  EXPECT_TRUE(ipsec_->FlushOwned().ok());
  EXPECT_EQ(ipsec_->QuerySa(id).status().code(), Code::kNotFound);
  EXPECT_TRUE(ipsec_->FlushOwned().ok());
}

// RFC 3948 §2.2: the datapath reads the shared socket; IKE (behind the
// non-ESP marker) goes to the loop, at most ike_queue_limit at a time.
TEST_F(UserspaceIpsecTest, IkeDatagramsReachTheLoopThroughABoundedQueue) {
  UserspaceOptions options;
  options.ike_queue_limit = 16;
  options.keepalive_seconds = 0;
  Make(options);
  UdpSocket nat_t, peer;
  std::vector<std::string> got;
  Endpoint got_to;
  ASSERT_TRUE(ipsec_
                  ->AttachIkeSocket(nat_t.fd, ike::kNatTPort,
                                    [&](ByteSpan msg, const Endpoint& from, const Endpoint& to) {
                                      got.emplace_back(msg.begin(), msg.end());
                                      EXPECT_EQ(from.port, peer.port);
                                      got_to = to;
                                    })
                  .ok());
  constexpr int kSent = 100;
  for (int i = 0; i < kSent; ++i) {
    Bytes d = {0, 0, 0, 0, 'I', 'K', 'E', static_cast<uint8_t>(i)};
    peer.SendTo(nat_t.port, d);
  }
  peer.SendTo(nat_t.port, {0xff});  // NAT keepalive
  peer.SendTo(nat_t.port, {1, 2});  // junk
  const DatapathCounters& c = ipsec_->counters();
  for (int i = 0; i < 200 && c.ike_rx + c.ike_dropped < kSent + 0u; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(c.ike_rx.load(), 16u);
  EXPECT_EQ(c.ike_dropped.load(), kSent - 16u);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop_.RunOnce(std::chrono::milliseconds(1)).ok());
  ASSERT_EQ(got.size(), 16u);
  EXPECT_EQ(got[0], std::string("IKE") + '\0');
  EXPECT_EQ(got_to, (Endpoint{Ip("127.0.0.1"), nat_t.port}));
  for (int i = 0; i < 100 && c.keepalives_rx == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(c.keepalives_rx.load(), 1u);
  EXPECT_EQ(c.Drops(EspError::kTooShort), 1u);
  // Once the loop caught up the queue has room again.
  peer.SendTo(nat_t.port, {0, 0, 0, 0, 'x'});
  for (int i = 0; i < 100 && c.ike_rx < 17; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(c.ike_rx.load(), 17u);
}

TEST_F(UserspaceIpsecTest, Port500SocketIsLeftAlone) {
  Make({});
  UdpSocket s;
  ASSERT_TRUE(ipsec_->AttachIkeSocket(s.fd, ike::kIkePort, [](ByteSpan, auto&, auto&) {}).ok());
  EXPECT_EQ(ipsec_->table().index().socket_v4, -1);
}

// RFC 3948 §2.3: one 0xFF byte to each peer that got nothing for the interval.
TEST_F(UserspaceIpsecTest, KeepalivesGoToIdlePeersOnce) {
  UserspaceOptions options;
  options.start_datapath = false;
  Make(options);
  UdpSocket nat_t, peer;
  ASSERT_TRUE(ipsec_->AttachIkeSocket(nat_t.fd, ike::kNatTPort, [](ByteSpan, auto&, auto&) {}).ok());
  for (uint32_t spi : {0x1001u, 0x1002u}) {
    SaData d = testing::MakeSaData(testing::AllAlgorithms()[0], 1, false);
    d.encap = UdpEncap{ike::kNatTPort, peer.port};
    d.remote_ts = {Ts("10.2.0.0/16")};
    ASSERT_TRUE(ipsec_->AddSa(OutId(spi), d).ok());
  }
  ipsec_->SendKeepalives();
  uint8_t buf[16];
  EXPECT_EQ(recv(peer.fd, buf, sizeof buf, MSG_DONTWAIT), 1);
  EXPECT_EQ(buf[0], 0xff);
  EXPECT_EQ(recv(peer.fd, buf, sizeof buf, MSG_DONTWAIT), -1);  // one per peer

  // Traffic just went out: no keepalive needed.
  InnerPacket p;
  ASSERT_EQ(ParseInnerPacket(testing::MakeUdpPacket("10.1.0.1", "10.2.0.1", 1, 2, 0), 0, &p),
            EspError::kOk);
  ASSERT_TRUE(ipsec_->DeleteSa(OutId(0x1001)).ok());
  SaEntry* sa = ipsec_->table().index().FindOutbound(3, p, clock_.WallSeconds());
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->id.spi, 0x1002u);
  sa->counters.last_use = clock_.WallSeconds();
  ipsec_->SendKeepalives();
  EXPECT_EQ(recv(peer.fd, buf, sizeof buf, MSG_DONTWAIT), -1);
  EXPECT_EQ(ipsec_->counters().keepalives_tx.load(), 1u);
}

}  // namespace
}  // namespace ikevpn::kernel::userspace
