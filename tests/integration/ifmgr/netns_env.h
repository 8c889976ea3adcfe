// Shared state of the integration test binary, and the fixture all its tests
// use: one NetlinkInterfaceManager (TUN) and an Rtnl to look with.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/ifmgr/netlink_interface_manager.h"
#include "daemon/ifmgr/rtnl.h"

namespace ikevpn::ifmgr::testing {

// Empty once main() entered the private network namespace.
extern std::string netns_error;

inline Prefix P(const char* text) { return *Prefix::Parse(text); }

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  Result<std::unique_ptr<NetlinkInterfaceManager>> MakeTunManager();
  std::optional<LinkEntry> Link(const std::string& name);
  bool HasRoute(RouteType type, const char* prefix, uint32_t metric, int ifindex = -1);
  bool HasAddress(int ifindex, const char* prefix);

  std::unique_ptr<Rtnl> rtnl_;
  std::unique_ptr<NetlinkInterfaceManager> manager_;
  std::map<uint32_t, int> tun_fds_;  // what the sink was given
  std::vector<uint32_t> tun_deleted_;
};

}  // namespace ikevpn::ifmgr::testing
