// The interface manager's state logic against a fake kernel.
#include "daemon/ifmgr/managed_interfaces.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/base/log.h"
#include "tests/unit/ifmgr/fake_kernel.h"

namespace ikevpn::ifmgr {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeLinkDriver;
using testing::FakeRtnl;

Prefix P(const char* text) { return *Prefix::Parse(text); }

InterfaceSpec Spec(const std::string& name, uint32_t if_id) {
  InterfaceSpec s;
  s.name = name;
  s.if_id = if_id;
  s.addresses = {P("10.0.0.1/32"), P("fd00::1/128")};
  s.routes = {{P("10.9.0.0/24"), 100}, {P("fd09::/64"), 100}};
  return s;
}

class ManagedInterfacesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Log::SetAllLevels(LogLevel::kInfo);
    Log::SetSink([this](Subsys, LogLevel level, std::string_view line) {
      if (level == LogLevel::kInfo) info_.emplace_back(line);
    });
  }
  void TearDown() override { Log::SetSink(nullptr); }

  int Ifindex(const std::string& name) { return kernel_.link(name)->ifindex; }
  bool Up(const std::string& name) { return kernel_.link(name)->up; }

  FakeRtnl kernel_;
  FakeLinkDriver driver_{kernel_};
  ManagedInterfaces manager_{driver_, kernel_};
  std::vector<std::string> info_;
};

TEST_F(ManagedInterfacesTest, AcquireCreatesTaggedDownLinkWithAddressesAndLeakGuard) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  const LinkEntry* link = kernel_.link("ipsec0");
  ASSERT_NE(link, nullptr);
  EXPECT_FALSE(link->up);
  EXPECT_EQ(link->alias, kOwnerAlias);
  EXPECT_TRUE(kernel_.HasAddress(link->ifindex, "10.0.0.1/32"));
  EXPECT_TRUE(kernel_.HasAddress(link->ifindex, "fd00::1/128"));
  EXPECT_TRUE(kernel_.HasBlackhole("10.9.0.0/24", 4096));
  EXPECT_TRUE(kernel_.HasBlackhole("fd09::/64", 4096));
  EXPECT_FALSE(kernel_.HasRoute(link->ifindex, "10.9.0.0/24", 100));
  auto list = manager_.List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "ipsec0");
  EXPECT_EQ(list[0].if_id, 7u);
  EXPECT_EQ(list[0].ifindex, link->ifindex);
  EXPECT_FALSE(list[0].up);
  EXPECT_FALSE(list[0].adopted);
  EXPECT_EQ(list[0].users, 1);
}

TEST_F(ManagedInterfacesTest, UpExactlyWhileAChildSaIsInstalled) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  int ifindex = Ifindex("ipsec0");
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  EXPECT_TRUE(Up("ipsec0"));
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "10.9.0.0/24", 100));
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "fd09::/64", 100));
  ASSERT_TRUE(manager_.ChildSaRemoved(7).ok());
  EXPECT_FALSE(Up("ipsec0"));
  EXPECT_FALSE(kernel_.HasRoute(ifindex, "10.9.0.0/24", 100));
  EXPECT_EQ(manager_.ChildSaRemoved(7).code(), Code::kInvalidArgument);
  EXPECT_EQ(manager_.ChildSaInstalled(8).code(), Code::kNotFound);
}

TEST_F(ManagedInterfacesTest, MakeBeforeBreakRekeyNeverFlaps) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());  // old CHILD_SA
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());  // rekeyed one
  ASSERT_TRUE(manager_.ChildSaRemoved(7).ok());    // old one deleted
  EXPECT_TRUE(Up("ipsec0"));
  EXPECT_EQ(manager_.List()[0].child_sas, 1);
  int ifindex = Ifindex("ipsec0");
  EXPECT_EQ(kernel_.CountCalls("SetLinkUp(" + std::to_string(ifindex) + ",up"), 1);
  // Only the Acquire's initial "down", never one after going up.
  EXPECT_EQ(kernel_.CountCalls("SetLinkUp(" + std::to_string(ifindex) + ",down"), 1);
  EXPECT_EQ(kernel_.CountCalls("RemoveRoute"), 0);
}

TEST_F(ManagedInterfacesTest, TwoConnectionsShareOneInterface) {
  InterfaceSpec a = Spec("ipsec0", 7);
  InterfaceSpec b = Spec("ipsec0", 7);
  b.routes = {{P("10.8.0.0/16"), 100}};
  ASSERT_TRUE(manager_.Acquire(a).ok());
  ASSERT_TRUE(manager_.Acquire(b).ok());
  EXPECT_EQ(driver_.created.size(), 1u);
  EXPECT_EQ(manager_.List()[0].users, 2);
  EXPECT_TRUE(kernel_.HasBlackhole("10.8.0.0/16", 4096));
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  EXPECT_TRUE(kernel_.HasRoute(Ifindex("ipsec0"), "10.8.0.0/16", 100));

  manager_.Release("ipsec0");
  ASSERT_NE(kernel_.link("ipsec0"), nullptr);
  EXPECT_TRUE(driver_.deleted.empty());
  manager_.Release("ipsec0");
  EXPECT_EQ(kernel_.link("ipsec0"), nullptr);
  EXPECT_THAT(driver_.deleted, ElementsAre("ipsec0"));
  EXPECT_EQ(kernel_.route_count(), 0u);
  EXPECT_TRUE(manager_.List().empty());
}

TEST_F(ManagedInterfacesTest, SecondUserWithOtherIfIdIsRejected) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  EXPECT_EQ(manager_.Acquire(Spec("ipsec0", 8)).code(), Code::kInvalidArgument);
  EXPECT_EQ(manager_.Acquire(Spec("ipsec1", 7)).code(), Code::kInvalidArgument);
  EXPECT_EQ(manager_.Acquire(Spec("ipsec1", 0)).code(), Code::kInvalidArgument);
  EXPECT_EQ(manager_.Acquire(Spec("", 9)).code(), Code::kInvalidArgument);
  EXPECT_EQ(manager_.List()[0].users, 1);
}

TEST_F(ManagedInterfacesTest, AdoptedInterfaceIsNeverDeleted) {
  int ifindex = kernel_.AddLink("ipsec0", "fake");
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  EXPECT_TRUE(manager_.List()[0].adopted);
  EXPECT_TRUE(driver_.created.empty());
  EXPECT_EQ(kernel_.link(ifindex)->alias, "");  // not tagged as ours
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  manager_.Release("ipsec0");
  ASSERT_NE(kernel_.link(ifindex), nullptr);
  EXPECT_FALSE(kernel_.link(ifindex)->up);
  EXPECT_TRUE(driver_.deleted.empty());
  EXPECT_THAT(driver_.forgotten, ElementsAre("ipsec0"));
  EXPECT_FALSE(kernel_.HasAddress(ifindex, "10.0.0.1/32"));
  EXPECT_EQ(kernel_.route_count(), 0u);
}

TEST_F(ManagedInterfacesTest, LinkWithOurAliasIsOursAgain) {
  kernel_.AddLink("ipsec0", "fake", std::string(kOwnerAlias));
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  EXPECT_FALSE(manager_.List()[0].adopted);
  manager_.Release("ipsec0");
  EXPECT_THAT(driver_.deleted, ElementsAre("ipsec0"));
}

TEST_F(ManagedInterfacesTest, AdoptingLinkOfAnotherKindFails) {
  kernel_.AddLink("ipsec0", "veth");
  EXPECT_EQ(manager_.Acquire(Spec("ipsec0", 7)).code(), Code::kInvalidArgument);
  EXPECT_TRUE(manager_.List().empty());
}

TEST_F(ManagedInterfacesTest, AcquireRollsBackWhenAStepFailsInTheMiddle) {
  // The second leak guard (fd09::/64) fails: everything before is undone.
  kernel_.FailCall("AddRoute", 2, Status(Code::kIoError, "injected"));
  Status s = manager_.Acquire(Spec("ipsec0", 7));
  EXPECT_EQ(s.code(), Code::kIoError);
  EXPECT_THAT(s.message(), HasSubstr("acquiring ipsec0"));
  EXPECT_EQ(kernel_.link("ipsec0"), nullptr);
  EXPECT_THAT(driver_.deleted, ElementsAre("ipsec0"));
  EXPECT_EQ(kernel_.route_count(), 0u);
  EXPECT_TRUE(manager_.List().empty());
  EXPECT_EQ(manager_.guards().size(), 0u);
  // And it can be acquired afterwards.
  EXPECT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
}

TEST_F(ManagedInterfacesTest, AcquireFailsCleanlyWhenTheDriverCannotCreate) {
  driver_.FailCreate(Status(Code::kUnsupported, "kernel lacks CONFIG_XFRM_INTERFACE"));
  EXPECT_EQ(manager_.Acquire(Spec("ipsec0", 7)).code(), Code::kUnsupported);
  EXPECT_TRUE(manager_.List().empty());
  EXPECT_EQ(kernel_.route_count(), 0u);
}

TEST_F(ManagedInterfacesTest, BringUpRollsBackAndIsRetried) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  int ifindex = Ifindex("ipsec0");
  // Leak guards were AddRoute 1 and 2; the second tunnel route fails.
  kernel_.FailCall("AddRoute", 2, Status(Code::kIoError, "injected"));
  EXPECT_EQ(manager_.ChildSaInstalled(7).code(), Code::kIoError);
  EXPECT_FALSE(Up("ipsec0"));
  EXPECT_FALSE(kernel_.HasRoute(ifindex, "10.9.0.0/24", 100));
  EXPECT_FALSE(manager_.List()[0].up);
  EXPECT_TRUE(kernel_.HasBlackhole("10.9.0.0/24", 4096));
  // The rekeyed CHILD_SA's install retries the bring-up.
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  EXPECT_TRUE(Up("ipsec0"));
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "fd09::/64", 100));
}

TEST_F(ManagedInterfacesTest, UpReaddsIpv6AddressesAndRoutes) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  int ifindex = Ifindex("ipsec0");
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  ASSERT_TRUE(manager_.ChildSaRemoved(7).ok());
  EXPECT_FALSE(kernel_.HasAddress(ifindex, "fd00::1/128"));  // dropped by "kernel"
  EXPECT_TRUE(kernel_.HasAddress(ifindex, "10.0.0.1/32"));
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  EXPECT_TRUE(kernel_.HasAddress(ifindex, "fd00::1/128"));
  EXPECT_TRUE(kernel_.HasAddress(ifindex, "10.0.0.1/32"));
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "10.9.0.0/24", 100));
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "fd09::/64", 100));
}

TEST_F(ManagedInterfacesTest, LeakGuardStaysWhileDown) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  EXPECT_TRUE(kernel_.HasBlackhole("10.9.0.0/24", 4096));
  ASSERT_TRUE(manager_.ChildSaRemoved(7).ok());
  EXPECT_FALSE(kernel_.HasRoute(Ifindex("ipsec0"), "10.9.0.0/24", 100));
  EXPECT_TRUE(kernel_.HasBlackhole("10.9.0.0/24", 4096));
  EXPECT_TRUE(kernel_.HasBlackhole("fd09::/64", 4096));
}

TEST_F(ManagedInterfacesTest, LeakGuardCanBeDisabled) {
  InterfaceSpec spec = Spec("ipsec0", 7);
  spec.leak_guard = false;
  ASSERT_TRUE(manager_.Acquire(spec).ok());
  EXPECT_EQ(kernel_.route_count(), 0u);
}

TEST_F(ManagedInterfacesTest, RouteMetricMustBeBelowTheLeakGuard) {
  InterfaceSpec spec = Spec("ipsec0", 7);
  spec.routes.push_back({P("10.7.0.0/16"), 4096});
  EXPECT_EQ(manager_.Acquire(spec).code(), Code::kInvalidArgument);
  EXPECT_EQ(kernel_.link("ipsec0"), nullptr);
  EXPECT_EQ(kernel_.route_count(), 0u);
}

TEST_F(ManagedInterfacesTest, InterfacesToTheSamePrefixShareOneLeakGuard) {
  InterfaceSpec a = Spec("ipsec0", 7);
  InterfaceSpec b = Spec("ipsec1", 8);
  b.routes = {{P("10.9.0.0/24"), 200}};
  ASSERT_TRUE(manager_.Acquire(a).ok());
  ASSERT_TRUE(manager_.Acquire(b).ok());
  EXPECT_EQ(kernel_.CountCalls("AddRoute(blackhole 10.9.0.0/24"), 1);
  manager_.Release("ipsec0");
  EXPECT_TRUE(kernel_.HasBlackhole("10.9.0.0/24", 4096));
  manager_.Release("ipsec1");
  EXPECT_FALSE(kernel_.HasBlackhole("10.9.0.0/24", 4096));
}

TEST_F(ManagedInterfacesTest, DynamicAddressesAndRoutesSurviveDownAndUp) {
  InterfaceSpec spec;
  spec.name = "ipsec0";
  spec.if_id = 7;
  ASSERT_TRUE(manager_.Acquire(spec).ok());
  int ifindex = Ifindex("ipsec0");
  ASSERT_TRUE(manager_.AddAddress(7, P("fd00::7/128")).ok());
  ASSERT_TRUE(manager_.AddRoute(7, {P("10.3.0.5/32"), 50}).ok());
  EXPECT_TRUE(kernel_.HasBlackhole("10.3.0.5/32", 4096));
  EXPECT_FALSE(kernel_.HasRoute(ifindex, "10.3.0.5/32", 50));  // down: not yet
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "10.3.0.5/32", 50));
  ASSERT_TRUE(manager_.ChildSaRemoved(7).ok());
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "10.3.0.5/32", 50));
  EXPECT_TRUE(kernel_.HasAddress(ifindex, "fd00::7/128"));
  // A route given with host bits is the same route.
  ASSERT_TRUE(manager_.AddRoute(7, {P("10.4.0.9/16"), 50}).ok());
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "10.4.0.0/16", 50));
  ASSERT_TRUE(manager_.RemoveRoute(7, {P("10.4.0.0/16"), 50}).ok());

  ASSERT_TRUE(manager_.AddRoute(7, {P("10.3.0.5/32"), 50}).ok());  // counted
  ASSERT_TRUE(manager_.RemoveRoute(7, {P("10.3.0.5/32"), 50}).ok());
  EXPECT_TRUE(kernel_.HasRoute(ifindex, "10.3.0.5/32", 50));
  ASSERT_TRUE(manager_.RemoveRoute(7, {P("10.3.0.5/32"), 50}).ok());
  EXPECT_FALSE(kernel_.HasRoute(ifindex, "10.3.0.5/32", 50));
  EXPECT_FALSE(kernel_.HasBlackhole("10.3.0.5/32", 4096));
  EXPECT_EQ(manager_.RemoveRoute(7, {P("10.3.0.5/32"), 50}).code(), Code::kNotFound);
  ASSERT_TRUE(manager_.RemoveAddress(7, P("fd00::7/128")).ok());
  EXPECT_FALSE(kernel_.HasAddress(ifindex, "fd00::7/128"));
  EXPECT_EQ(manager_.RemoveAddress(7, P("fd00::7/128")).code(), Code::kNotFound);
  EXPECT_EQ(manager_.AddAddress(9, P("fd00::7/128")).code(), Code::kNotFound);
}

TEST_F(ManagedInterfacesTest, CleanupLeftoversRemovesOnlyWhatIsTaggedAsOurs) {
  int leftover = kernel_.AddLink("ipsec3", "fake", std::string(kOwnerAlias));
  int foreign = kernel_.AddLink("eth0", "veth");
  RouteEntry our_guard{RouteType::kBlackhole, P("10.5.0.0/16"), 4096, 0};
  RouteEntry their_guard{RouteType::kBlackhole, P("10.6.0.0/16"), 4096, 0, 4};
  kernel_.AddForeignRoute(our_guard);
  kernel_.AddForeignRoute(their_guard);
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());  // its guards stay

  ASSERT_TRUE(manager_.CleanupLeftovers().ok());
  EXPECT_EQ(kernel_.link(leftover), nullptr);
  EXPECT_NE(kernel_.link(foreign), nullptr);
  EXPECT_NE(kernel_.link("ipsec0"), nullptr);
  EXPECT_FALSE(kernel_.HasBlackhole("10.5.0.0/16", 4096));
  EXPECT_TRUE(kernel_.HasBlackhole("10.9.0.0/24", 4096));
  auto routes = kernel_.ListRoutes(0);
  EXPECT_NE(std::find(routes->begin(), routes->end(), their_guard), routes->end());
}

TEST_F(ManagedInterfacesTest, ReleaseAllRemovesEverything) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec1", 8)).ok());
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  manager_.ReleaseAll();
  EXPECT_TRUE(manager_.List().empty());
  EXPECT_EQ(kernel_.link("ipsec0"), nullptr);
  EXPECT_EQ(kernel_.link("ipsec1"), nullptr);
  EXPECT_EQ(kernel_.route_count(), 0u);
}

TEST_F(ManagedInterfacesTest, EveryTransitionIsLoggedWithItsReason) {
  ASSERT_TRUE(manager_.Acquire(Spec("ipsec0", 7)).ok());
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  ASSERT_TRUE(manager_.ChildSaRemoved(7).ok());
  ASSERT_TRUE(manager_.ChildSaInstalled(7).ok());
  manager_.Release("ipsec0");
  EXPECT_THAT(info_, ElementsAre(HasSubstr("ipsec0 created"),
                                 "ipsec0 up: CHILD_SA installed (if_id 7)",
                                 "ipsec0 down: last CHILD_SA removed (if_id 7)",
                                 "ipsec0 up: CHILD_SA installed (if_id 7)",
                                 "ipsec0 down: released by its last user",
                                 "ipsec0 deleted: released by its last user"));
}

}  // namespace
}  // namespace ikevpn::ifmgr
