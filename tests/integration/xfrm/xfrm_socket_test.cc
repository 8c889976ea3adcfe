// AttachIkeSocket on real sockets. An out "block" policy covers the test
// subnet (on a veth; loopback skips xfrm): a plain socket's send fails with
// EPERM, an attached IKE socket's send goes out (bypass policy). Port 4500
// gets UDP_ENCAP_ESPINUDP: a NAT-T keepalive is swallowed by the kernel and
// an IKE message (non-ESP marker) still reaches the socket's own reader.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/kernel/xfrm/xfrm_ipsec.h"
#include "tests/integration/xfrm/netns.h"

namespace ikevpn::kernel::xfrm::testing {
namespace {

Endpoint Ep(const char* addr, uint16_t port) { return {*IpAddress::Parse(addr), port}; }

int BoundUdp(const Endpoint& ep) {
  int fd = socket(ep.address.af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  if (ep.address.is_v6()) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len = ep.ToSockaddr(&ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

ssize_t SendTo(int fd, const Endpoint& to, const void* data, size_t n) {
  sockaddr_storage ss{};
  socklen_t len = to.ToSockaddr(&ss);
  return sendto(fd, data, n, 0, reinterpret_cast<sockaddr*>(&ss), len);
}

TEST(XfrmSocketIntegration, AttachSetsBypassAndEspInUdpAndIkeStillArrives) {
  XFRM_NEEDS_NETNS();
  ASSERT_EQ(Sh("ip link add xv0 type veth peer name xv1 && ip link set xv0 up && "
               "ip link set xv1 up && ip addr add 10.77.0.1/24 dev xv0 && "
               "ip -6 addr add fd77::1/64 dev xv0 nodad && "
               "ip xfrm policy add src 10.77.0.0/24 dst 10.77.0.0/24 dir out action block && "
               "ip xfrm policy add src fd77::/64 dst fd77::/64 dir out action block")
                .status,
            0);
  auto x = XfrmIpsec::Create(nullptr);
  ASSERT_TRUE(x.ok());
  struct Case {
    const char* local;
    const char* peer;
  };
  for (Case c : {Case{"10.77.0.1", "10.77.0.2"}, Case{"fd77::1", "fd77::2"}}) {
    int plain = BoundUdp(Ep(c.local, 0));
    ASSERT_GE(plain, 0) << c.local << ": " << strerror(errno);
    EXPECT_EQ(SendTo(plain, Ep(c.peer, 500), "x", 1), -1) << "control: the policy blocks";
    EXPECT_EQ(errno, EPERM);
    close(plain);

    for (uint16_t port : {uint16_t{500}, uint16_t{4500}}) {
      int fd = BoundUdp(Ep(c.local, port));
      ASSERT_GE(fd, 0) << c.local << " " << port << ": " << strerror(errno);
      Status s = (*x)->AttachIkeSocket(fd, port, nullptr);
      ASSERT_TRUE(s.ok()) << s.ToString();
      uint8_t msg[40] = {};  // non-ESP marker, then an "IKE header"
      std::memset(msg + 4, 0xab, sizeof msg - 4);
      EXPECT_EQ(SendTo(fd, Ep(c.peer, port), msg, sizeof msg), ssize_t{sizeof msg})
          << c.local << " port " << port << ": " << strerror(errno) << " (bypass)";

      int encap = -1;
      socklen_t len = sizeof encap;
      ASSERT_EQ(getsockopt(fd, SOL_UDP, UDP_ENCAP, &encap, &len), 0);
      EXPECT_EQ(encap, port == 4500 ? UDP_ENCAP_ESPINUDP : 0);

      // To ourselves: a keepalive first (swallowed on 4500), then IKE.
      Endpoint self = Ep(c.local, port);
      uint8_t keepalive = 0xff;
      ASSERT_EQ(SendTo(fd, self, &keepalive, 1), 1);
      ASSERT_EQ(SendTo(fd, self, msg, sizeof msg), ssize_t{sizeof msg});
      uint8_t got[64];
      ssize_t n = recv(fd, got, sizeof got, MSG_DONTWAIT);
      if (port == 500) {
        EXPECT_EQ(n, 1) << "no encapsulation on 500: the keepalive byte arrives";
        n = recv(fd, got, sizeof got, MSG_DONTWAIT);
      }
      ASSERT_EQ(n, ssize_t{sizeof msg}) << c.local << " port " << port;
      EXPECT_EQ(0, std::memcmp(got, msg, sizeof msg)) << "marker kept, payload intact";
      close(fd);
    }
  }
  EXPECT_TRUE((*x)->FlushOwned().ok());
  EXPECT_EQ(CountOf(Sh("ip xfrm policy").output, "action block"), 2) << "not ours: kept";
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm::testing
