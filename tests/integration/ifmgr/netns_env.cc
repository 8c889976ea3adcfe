#include "tests/integration/ifmgr/netns_env.h"

#include <algorithm>

#include "tests/integration/ifmgr/ip_tool.h"

namespace ikevpn::ifmgr::testing {

void NetnsTest::SetUp() {
  if (!netns_error.empty()) GTEST_SKIP() << netns_error;
  auto rtnl = Rtnl::Open();
  ASSERT_TRUE(rtnl.ok()) << rtnl.status().ToString();
  rtnl_ = std::move(rtnl).value();
  auto manager = MakeTunManager();
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  manager_ = std::move(manager).value();
}

void NetnsTest::TearDown() {
  if (manager_) manager_->ReleaseAll();
  manager_.reset();
  // Whatever a failed test left must not leak into the next one.
  if (netns_error.empty()) {
    Shell("for l in $(ip -o link show | awk -F': ' '/ipsec|under/ {print $2}'); do ip link del $l; done");
    Shell("ip route flush proto 73; ip -6 route flush proto 73");
  }
}

Result<std::unique_ptr<NetlinkInterfaceManager>> NetnsTest::MakeTunManager() {
  NetlinkInterfaceManagerOptions options;
  options.kind = LinkKind::kTun;
  options.tun_sink.on_tun_created = [this](uint32_t if_id, int fd) { tun_fds_[if_id] = fd; };
  options.tun_sink.on_tun_deleted = [this](uint32_t if_id) { tun_deleted_.push_back(if_id); };
  return NetlinkInterfaceManager::Create(std::move(options));
}

std::optional<LinkEntry> NetnsTest::Link(const std::string& name) {
  auto link = rtnl_->GetLink(name);
  EXPECT_TRUE(link.ok()) << link.status().ToString();
  return link.ok() ? *link : std::nullopt;
}

bool NetnsTest::HasRoute(RouteType type, const char* prefix, uint32_t metric, int ifindex) {
  auto routes = rtnl_->ListRoutes(0);
  EXPECT_TRUE(routes.ok()) << routes.status().ToString();
  if (!routes.ok()) return false;
  return std::any_of(routes->begin(), routes->end(), [&](const RouteEntry& r) {
    return r.type == type && r.destination == P(prefix) && r.metric == metric &&
           r.table == kTableMain && r.protocol == kRouteProtocol &&
           (ifindex < 0 || r.ifindex == ifindex);
  });
}

bool NetnsTest::HasAddress(int ifindex, const char* prefix) {
  auto addresses = rtnl_->ListAddresses(ifindex);
  EXPECT_TRUE(addresses.ok()) << addresses.status().ToString();
  if (!addresses.ok()) return false;
  AddressEntry want{ifindex, P(prefix)};
  return std::find(addresses->begin(), addresses->end(), want) != addresses->end();
}

}  // namespace ikevpn::ifmgr::testing
