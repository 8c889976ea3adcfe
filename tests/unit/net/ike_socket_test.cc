#include "daemon/net/ike_socket.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

namespace ikevpn::net {
namespace {

// The narrowest KernelIpsec for socket tests: records attached sockets.
class NullKernel final : public kernel::KernelIpsec {
 public:
  std::string_view name() const override { return "null"; }
  void SetListener(kernel::KernelListener*) override {}
  Result<uint32_t> AllocateSpi(const IpAddress&, const IpAddress&, ike::ProtocolId) override {
    return Status(Code::kUnsupported, "null");
  }
  Status AddSa(const kernel::SaId&, const kernel::SaData&) override { return Status::Ok(); }
  Status UpdateSa(const kernel::SaId&, const IpAddress&, const IpAddress&,
                  const std::optional<kernel::UdpEncap>&) override {
    return Status::Ok();
  }
  Status DeleteSa(const kernel::SaId&) override { return Status::Ok(); }
  Result<kernel::SaStats> QuerySa(const kernel::SaId&) override { return kernel::SaStats{}; }
  Status AddPolicy(const kernel::PolicyId&, const kernel::PolicyData&) override { return Status::Ok(); }
  Status DeletePolicy(const kernel::PolicyId&) override { return Status::Ok(); }
  Status AttachIkeSocket(int, uint16_t port, kernel::IkeDatagramHandler) override {
    attached.push_back(port);
    return Status::Ok();
  }
  Status FlushOwned() override { return Status::Ok(); }
  std::vector<uint16_t> attached;
};

struct Received {
  Bytes data;
  Endpoint local;
  Endpoint remote;
};

class IkeSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.Init().ok());
    // Ports unique per process so parallel test runs do not collide.
    port_ = static_cast<uint16_t>(20000 + (getpid() % 20000));
    sockets_ = std::make_unique<IkeSockets>(loop_, kernel_, [this](ByteSpan m, const Endpoint& l, const Endpoint& r) {
      got_.push_back({Bytes(m.begin(), m.end()), l, r});
    });
    Status s = sockets_->Open({port_, static_cast<uint16_t>(port_ + 1), true, true});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  int Peer(int family, uint16_t bind_port = 0) {
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    Endpoint e{IpAddress::Any(family == AF_INET ? IpAddress::Family::kV4 : IpAddress::Family::kV6), bind_port};
    sockaddr_storage ss;
    socklen_t len = e.ToSockaddr(&ss);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&ss), len), 0);
    return fd;
  }

  void SendTo(int fd, const Endpoint& to, const Bytes& data) {
    sockaddr_storage ss;
    socklen_t len = to.ToSockaddr(&ss);
    ASSERT_EQ(sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
              static_cast<ssize_t>(data.size()));
  }

  void Pump() {
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(loop_.RunOnce(5ms).ok());
  }

  SystemClock clock_;
  EventLoop loop_{clock_};
  NullKernel kernel_;
  std::unique_ptr<IkeSockets> sockets_;
  std::vector<Received> got_;
  uint16_t port_ = 0;
};

TEST_F(IkeSocketTest, AttachesEverySocketToTheBackend) {
  EXPECT_EQ(kernel_.attached.size(), 4u);  // v4 and v6, 500 and 4500 style
}

TEST_F(IkeSocketTest, DeliversWithLocalAddressAndStripsTheNonEspMarker) {
  int peer = Peer(AF_INET);
  Endpoint lo4{*IpAddress::Parse("127.0.0.1"), port_};
  SendTo(peer, lo4, {1, 2, 3});
  Endpoint nat{*IpAddress::Parse("127.0.0.1"), static_cast<uint16_t>(port_ + 1)};
  SendTo(peer, nat, {0, 0, 0, 0, 9, 9});  // marker + IKE
  SendTo(peer, nat, {0xff});              // NAT keepalive: ignored
  SendTo(peer, nat, {1, 2, 3, 4, 5, 6});  // ESP: not ours to read
  Pump();
  ASSERT_EQ(got_.size(), 2u);
  EXPECT_EQ(got_[0].data, (Bytes{1, 2, 3}));
  EXPECT_EQ(got_[0].local, lo4);
  EXPECT_EQ(got_[1].data, (Bytes{9, 9}));
  EXPECT_EQ(got_[1].local, nat);
  close(peer);
}

TEST_F(IkeSocketTest, SendAddsTheMarkerOnlyOnTheNatPort) {
  int peer = Peer(AF_INET6);
  sockaddr_in6 me{};
  socklen_t len = sizeof me;
  getsockname(peer, reinterpret_cast<sockaddr*>(&me), &len);
  Endpoint peer_ep{*IpAddress::Parse("::1"), ntohs(me.sin6_port)};
  Bytes msg = {7, 7, 7};
  ASSERT_TRUE(sockets_->Send(msg, {*IpAddress::Parse("::1"), port_}, peer_ep).ok());
  ASSERT_TRUE(sockets_->Send(msg, {IpAddress(), static_cast<uint16_t>(port_ + 1)}, peer_ep).ok());
  uint8_t buf[64];
  usleep(20000);
  sockaddr_in6 from{};
  socklen_t flen = sizeof from;
  ssize_t n = recvfrom(peer, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
  ASSERT_EQ(n, 3);
  EXPECT_EQ(ntohs(from.sin6_port), port_);
  n = recv(peer, buf, sizeof buf, 0);
  ASSERT_EQ(n, 7);
  EXPECT_EQ(LoadBe32(buf), 0u);
  EXPECT_EQ(buf[4], 7);
  close(peer);
}

TEST_F(IkeSocketTest, SendWithoutMatchingSocketFailsCleanly) {
  Status s = sockets_->Send(Bytes{1}, {IpAddress(), 9}, {*IpAddress::Parse("127.0.0.1"), 500});
  EXPECT_EQ(s.code(), Code::kNotFound);
}

}  // namespace
}  // namespace ikevpn::net
