// The manager with TUN devices in a private network namespace, checked with
// our own rtnetlink listing and cross-checked with iproute2.
#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "daemon/ifmgr/tun_driver.h"
#include "tests/integration/ifmgr/ip_tool.h"
#include "tests/integration/ifmgr/netns_env.h"

namespace ikevpn::ifmgr::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

InterfaceSpec Spec(const std::string& name, uint32_t if_id, uint32_t metric) {
  InterfaceSpec s;
  s.name = name;
  s.if_id = if_id;
  s.addresses = {P("10.0.0.1/32"), P("fd00::1/128")};
  s.routes = {{P("10.9.0.0/24"), metric}, {P("fd09::/64"), metric}};
  return s;
}

// An "underlay" with a default route, the way a leak would go out.
class Underlay {
 public:
  Underlay() {
    auto fd = OpenTunQueue("under0");
    EXPECT_TRUE(fd.ok()) << fd.status().ToString();
    fd_ = fd.ok() ? *fd : -1;
    EXPECT_EQ(Shell("ip link set under0 up && ip addr add 192.0.2.1/24 dev under0 && "
                  "ip route add default dev under0")
                  .exit_code,
              0);
  }
  ~Underlay() {
    if (fd_ >= 0) close(fd_);
  }

  // Sends one UDP datagram to `dst` and says whether it left via the
  // underlay (a clear-text leak).
  bool Leaks(const char* dst) {
    char buf[2048];
    while (read(fd_, buf, sizeof buf) > 0) {
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(IpAddress::Parse(dst)->v4_host_order());
    (void)sendto(s, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    close(s);
    bool seen = false;
    ssize_t n;
    while ((n = read(fd_, buf, sizeof buf)) > 0) {
      // OpenTunQueue sets IFF_VNET_HDR: a 10-byte virtio_net_hdr comes first.
      seen |= n >= 30 && std::memcmp(buf + 10 + 16, &to.sin_addr, 4) == 0;
    }
    return seen;
  }

 private:
  int fd_ = -1;
};

class TunManagerTest : public NetnsTest {};

TEST_F(TunManagerTest, FullLifecycle) {
  Underlay underlay;
  ASSERT_TRUE(manager_->Acquire(Spec("ipsec0", 7, 100)).ok());

  // Acquired: down, tagged, with the leak guard.
  auto link = Link("ipsec0");
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->kind, "tun");
  EXPECT_EQ(link->alias, "ikevpn");
  EXPECT_EQ(link->mtu, 1400u);
  EXPECT_FALSE(link->up);
  ASSERT_EQ(tun_fds_.count(7), 1u);
  EXPECT_GE(tun_fds_[7], 0);
  EXPECT_TRUE(HasRoute(RouteType::kBlackhole, "10.9.0.0/24", 4096));
  EXPECT_TRUE(HasRoute(RouteType::kBlackhole, "fd09::/64", 4096));
  // Cross-check with iproute2.
  EXPECT_THAT(IpLinkFlags("ipsec0"), Not(HasSubstr("\"UP\"")));
  EXPECT_EQ(JsonField(Shell("ip -j -d link show dev ipsec0").out, "ifalias"), "ikevpn");
  EXPECT_THAT(Shell("ip route show proto 73").out, HasSubstr("blackhole 10.9.0.0/24 metric 4096"));
  EXPECT_THAT(Shell("ip -6 route show proto 73").out, HasSubstr("blackhole fd09::/64"));

  // First CHILD_SA: up, addresses and routes with their metric.
  ASSERT_TRUE(manager_->ChildSaInstalled(7).ok());
  EXPECT_TRUE(Link("ipsec0")->up);
  EXPECT_THAT(IpLinkFlags("ipsec0"), HasSubstr("\"UP\""));
  EXPECT_TRUE(HasAddress(link->ifindex, "10.0.0.1/32"));
  EXPECT_TRUE(HasAddress(link->ifindex, "fd00::1/128"));
  EXPECT_TRUE(HasRoute(RouteType::kUnicast, "10.9.0.0/24", 100, link->ifindex));
  EXPECT_TRUE(HasRoute(RouteType::kUnicast, "fd09::/64", 100, link->ifindex));
  EXPECT_THAT(Shell("ip route show dev ipsec0").out, HasSubstr("10.9.0.0/24 proto 73 scope link metric 100"));
  EXPECT_EQ(JsonField(Shell("ip -j route get 10.9.0.5").out, "dev"), "ipsec0");

  // Last CHILD_SA gone: down, routes gone, guard holds, nothing leaks.
  ASSERT_TRUE(manager_->ChildSaRemoved(7).ok());
  EXPECT_FALSE(Link("ipsec0")->up);
  EXPECT_FALSE(HasRoute(RouteType::kUnicast, "10.9.0.0/24", 100, link->ifindex));
  EXPECT_FALSE(HasAddress(link->ifindex, "fd00::1/128"));  // the kernel's doing
  EXPECT_TRUE(HasRoute(RouteType::kBlackhole, "10.9.0.0/24", 4096));
  // A lookup that hits a blackhole fails with EINVAL.
  CommandResult get = Shell("ip route get 10.9.0.5");
  EXPECT_NE(get.exit_code, 0) << get.out;
  EXPECT_THAT(get.out, HasSubstr("Invalid argument"));
  EXPECT_EQ(JsonField(Shell("ip -j route show 10.9.0.0/24").out, "type"), "blackhole");
  EXPECT_FALSE(underlay.Leaks("10.9.0.5"));
  EXPECT_TRUE(underlay.Leaks("10.8.0.5"));  // control: other traffic does go out

  // Up again: the IPv6 address and the routes come back.
  ASSERT_TRUE(manager_->ChildSaInstalled(7).ok());
  EXPECT_TRUE(HasAddress(link->ifindex, "fd00::1/128"));
  EXPECT_TRUE(HasRoute(RouteType::kUnicast, "fd09::/64", 100, link->ifindex));

  // Dynamic host route for a road-warrior client.
  ASSERT_TRUE(manager_->AddRoute(7, {P("10.3.0.5/32"), 50}).ok());
  EXPECT_TRUE(HasRoute(RouteType::kUnicast, "10.3.0.5/32", 50, link->ifindex));
  EXPECT_TRUE(HasRoute(RouteType::kBlackhole, "10.3.0.5/32", 4096));

  manager_->Release("ipsec0");
  EXPECT_FALSE(Link("ipsec0").has_value());
  EXPECT_FALSE(HasRoute(RouteType::kBlackhole, "10.9.0.0/24", 4096));
  EXPECT_FALSE(HasRoute(RouteType::kBlackhole, "10.3.0.5/32", 4096));
  EXPECT_EQ(Shell("ip route show proto 73; ip -6 route show proto 73").out, "");
  EXPECT_EQ(tun_deleted_, std::vector<uint32_t>{7});
}

TEST_F(TunManagerTest, FailoverToTheTunnelWithTheWorseMetric) {
  Underlay underlay;
  ASSERT_TRUE(manager_->Acquire(Spec("ipsec0", 7, 100)).ok());
  InterfaceSpec backup = Spec("ipsec1", 8, 200);
  backup.addresses = {P("10.0.0.2/32")};
  ASSERT_TRUE(manager_->Acquire(backup).ok());
  ASSERT_TRUE(manager_->ChildSaInstalled(7).ok());
  ASSERT_TRUE(manager_->ChildSaInstalled(8).ok());
  EXPECT_EQ(JsonField(Shell("ip -j route get 10.9.0.5").out, "dev"), "ipsec0");
  EXPECT_EQ(JsonField(Shell("ip -j -6 route get fd09::5").out, "dev"), "ipsec0");

  ASSERT_TRUE(manager_->ChildSaRemoved(7).ok());
  EXPECT_EQ(JsonField(Shell("ip -j route get 10.9.0.5").out, "dev"), "ipsec1");
  EXPECT_EQ(JsonField(Shell("ip -j -6 route get fd09::5").out, "dev"), "ipsec1");

  ASSERT_TRUE(manager_->ChildSaRemoved(8).ok());
  EXPECT_NE(Shell("ip route get 10.9.0.5").exit_code, 0);
  EXPECT_FALSE(underlay.Leaks("10.9.0.5"));

  ASSERT_TRUE(manager_->ChildSaInstalled(7).ok());
  EXPECT_EQ(JsonField(Shell("ip -j route get 10.9.0.5").out, "dev"), "ipsec0");

  auto list = manager_->List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(list[0].up);
  EXPECT_FALSE(list[1].up);

  manager_->ReleaseAll();
  EXPECT_TRUE(manager_->List().empty());
  EXPECT_FALSE(Link("ipsec0").has_value());
  EXPECT_FALSE(Link("ipsec1").has_value());
  EXPECT_EQ(Shell("ip route show proto 73; ip -6 route show proto 73").out, "");
}

TEST_F(TunManagerTest, SharedInterfaceLivesUntilTheLastRelease) {
  ASSERT_TRUE(manager_->Acquire(Spec("ipsec0", 7, 100)).ok());
  ASSERT_TRUE(manager_->Acquire(Spec("ipsec0", 7, 100)).ok());
  manager_->Release("ipsec0");
  EXPECT_TRUE(Link("ipsec0").has_value());
  EXPECT_TRUE(HasRoute(RouteType::kBlackhole, "10.9.0.0/24", 4096));
  manager_->Release("ipsec0");
  EXPECT_FALSE(Link("ipsec0").has_value());
}

TEST_F(TunManagerTest, AdoptedPersistentTunIsNotDeleted) {
  auto fd = OpenTunQueue("ipsec4");
  ASSERT_TRUE(fd.ok()) << fd.status().ToString();
  ASSERT_EQ(ioctl(*fd, TUNSETPERSIST, 1), 0);
  close(*fd);

  ASSERT_TRUE(manager_->Acquire(Spec("ipsec4", 4, 100)).ok());
  EXPECT_TRUE(manager_->List()[0].adopted);
  EXPECT_EQ(Link("ipsec4")->alias, "");
  ASSERT_TRUE(manager_->ChildSaInstalled(4).ok());
  EXPECT_TRUE(Link("ipsec4")->up);
  manager_->Release("ipsec4");
  auto link = Link("ipsec4");
  ASSERT_TRUE(link.has_value());
  EXPECT_FALSE(link->up);
  EXPECT_FALSE(HasAddress(link->ifindex, "10.0.0.1/32"));
  EXPECT_FALSE(HasRoute(RouteType::kBlackhole, "10.9.0.0/24", 4096));
}

TEST_F(TunManagerTest, AcquireRollsBackWhenTheKernelRefusesAStep) {
  // New links get IPv6 disabled, so the kernel refuses the IPv6 address:
  // the link, its IPv4 address and every leak guard must be undone.
  ASSERT_EQ(Shell("sysctl -qw net.ipv6.conf.default.disable_ipv6=1").exit_code, 0);
  InterfaceSpec spec = Spec("ipsec0", 7, 100);
  spec.addresses = {P("10.0.0.1/32"), P("fd00::1/128")};
  Status s = manager_->Acquire(spec);
  Shell("sysctl -qw net.ipv6.conf.default.disable_ipv6=0");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("fd00::1"));
  EXPECT_FALSE(Link("ipsec0").has_value());
  EXPECT_TRUE(manager_->List().empty());
  EXPECT_EQ(Shell("ip route show proto 73; ip -6 route show proto 73").out, "");
  EXPECT_EQ(tun_deleted_, std::vector<uint32_t>{7});
  // Nothing is left that would stop a second try.
  EXPECT_TRUE(manager_->Acquire(spec).ok());
}

}  // namespace
}  // namespace ikevpn::ifmgr::testing
