// xfrm interfaces against this kernel. Build machines lack
// CONFIG_XFRM_INTERFACE: there the driver must fail cleanly. On a kernel
// that has it (the qemu VM), the same tests create real xfrm interfaces.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/ifmgr/xfrmi_driver.h"
#include "tests/integration/ifmgr/ip_tool.h"
#include "tests/integration/ifmgr/netns_env.h"

namespace ikevpn::ifmgr::testing {
namespace {

using ::testing::HasSubstr;

class XfrmiTest : public NetnsTest {};

TEST_F(XfrmiTest, DriverCreatesOrSaysTheKernelLacksXfrmInterfaces) {
  bool supported = KernelSupportsXfrmInterfaces();
  EXPECT_FALSE(Link("ikevpn-probe").has_value());  // the probe cleans up
  XfrmiDriver driver(*rtnl_);
  auto created = driver.Create({"ipsec0", 7, 1400});
  if (!supported) {
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.status().code(), Code::kUnsupported);
    EXPECT_THAT(created.status().message(), HasSubstr("CONFIG_XFRM_INTERFACE"));
    EXPECT_FALSE(Link("ipsec0").has_value());
    return;
  }
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto link = Link("ipsec0");
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->kind, "xfrm");
  EXPECT_TRUE(driver.Adopt({"ipsec0", 7, 1400}, *link).ok());
  EXPECT_EQ(driver.Adopt({"ipsec0", 8, 1400}, *link).code(), Code::kInvalidArgument);
  EXPECT_THAT(Shell("ip -d link show dev ipsec0").out, HasSubstr("if_id 0x7"));
  EXPECT_TRUE(driver.Delete({"ipsec0", 7, 1400}, *created).ok());
  EXPECT_FALSE(Link("ipsec0").has_value());
}

TEST_F(XfrmiTest, ManagerLeavesNothingBehindWhenTheKernelCannot) {
  if (KernelSupportsXfrmInterfaces()) GTEST_SKIP() << "kernel has xfrm interfaces";
  auto manager = NetlinkInterfaceManager::Create({});
  ASSERT_TRUE(manager.ok());
  InterfaceSpec spec;
  spec.name = "ipsec0";
  spec.if_id = 7;
  spec.routes = {{P("10.9.0.0/24"), 100}};
  Status s = (*manager)->Acquire(spec);
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("CONFIG_XFRM_INTERFACE"));
  EXPECT_TRUE((*manager)->List().empty());
  EXPECT_EQ(Shell("ip route show proto 73").out, "");
}

}  // namespace
}  // namespace ikevpn::ifmgr::testing
