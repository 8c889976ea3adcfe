// CleanupLeftovers after a crashed run, in a private network namespace.
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/ifmgr/ip_tool.h"
#include "tests/integration/ifmgr/netns_env.h"

namespace ikevpn::ifmgr::testing {
namespace {

using ::testing::HasSubstr;

InterfaceSpec Spec(const std::string& name, uint32_t if_id) {
  InterfaceSpec s;
  s.name = name;
  s.if_id = if_id;
  s.addresses = {P("10.0.0.1/32")};
  s.routes = {{P("10.9.0.0/24"), 100}, {P("fd09::/64"), 100}};
  return s;
}

class LeftoversTest : public NetnsTest {};

// The crashed run's interface still exists (as an xfrm interface would; here
// the "crashed" manager is kept alive so its TUN device stays).
TEST_F(LeftoversTest, RemovesInterfaceAndGuardsOfACrashedRun) {
  ASSERT_TRUE(manager_->Acquire(Spec("ipsec2", 2)).ok());
  ASSERT_TRUE(manager_->ChildSaInstalled(2).ok());
  std::unique_ptr<NetlinkInterfaceManager> crashed = std::move(manager_);
  // A foreign interface and a foreign blackhole must survive.
  ASSERT_EQ(Shell("ip tuntap add dev under0 mode tun").exit_code, 0);
  ASSERT_EQ(Shell("ip route add blackhole 10.7.0.0/16 metric 4096").exit_code, 0);

  auto restarted = MakeTunManager();
  ASSERT_TRUE(restarted.ok());
  manager_ = std::move(restarted).value();
  ASSERT_TRUE(manager_->CleanupLeftovers().ok());
  EXPECT_FALSE(Link("ipsec2").has_value());
  EXPECT_TRUE(Link("under0").has_value());
  EXPECT_EQ(Shell("ip route show proto 73; ip -6 route show proto 73").out, "");
  EXPECT_THAT(Shell("ip route show").out, HasSubstr("blackhole 10.7.0.0/16"));
  EXPECT_TRUE(manager_->List().empty());
  // The new run can take the name again.
  EXPECT_TRUE(manager_->Acquire(Spec("ipsec2", 2)).ok());
  crashed.reset();  // closes the old queue fd; the new ipsec2 is unaffected
  EXPECT_TRUE(Link("ipsec2").has_value());
}

// A real crash: the TUN device dies with the process, the blackhole routes
// (no device) stay until the next run cleans them.
TEST_F(LeftoversTest, RemovesGuardsLeftByAProcessThatDied) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto m = MakeTunManager();
    bool ok = m.ok() && (*m)->Acquire(Spec("ipsec3", 3)).ok();
    _exit(ok ? 0 : 1);  // no ReleaseAll: a crash
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE(Link("ipsec3").has_value());
  EXPECT_TRUE(HasRoute(RouteType::kBlackhole, "10.9.0.0/24", 4096));
  EXPECT_TRUE(HasRoute(RouteType::kBlackhole, "fd09::/64", 4096));

  ASSERT_TRUE(manager_->CleanupLeftovers().ok());
  EXPECT_FALSE(HasRoute(RouteType::kBlackhole, "10.9.0.0/24", 4096));
  EXPECT_FALSE(HasRoute(RouteType::kBlackhole, "fd09::/64", 4096));
}

}  // namespace
}  // namespace ikevpn::ifmgr::testing
