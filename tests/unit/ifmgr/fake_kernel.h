// A fake kernel for the interface manager's state logic: FakeRtnl keeps
// links, addresses and routes the way rtnetlink does (routes need an up
// device; down drops a link's routes and IPv6 addresses), and FakeLinkDriver
// creates links in it. Both record calls and can be told to fail one.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/ifmgr/link_driver.h"
#include "daemon/ifmgr/rtnl_ops.h"

namespace ikevpn::ifmgr::testing {

class FakeRtnl : public RtnlOps {
 public:
  // Makes the `nth` (1-based) next call to `op` fail with `status`.
  void FailCall(const std::string& op, int nth, Status status);

  // Adds a link as if someone else had made it.
  int AddLink(const std::string& name, const std::string& kind, const std::string& alias = "");
  void RemoveLink(int ifindex);  // as the driver's delete
  const LinkEntry* link(int ifindex) const;
  const LinkEntry* link(const std::string& name) const;
  bool HasAddress(int ifindex, const std::string& prefix) const;
  bool HasRoute(int ifindex, const std::string& prefix, uint32_t metric) const;
  bool HasBlackhole(const std::string& prefix, uint32_t metric) const;
  size_t route_count() const { return routes_.size(); }
  void AddForeignRoute(const RouteEntry& r) { routes_.push_back(r); }
  // Every call, as "Op(args)", in order.
  const std::vector<std::string>& calls() const { return calls_; }
  int CountCalls(const std::string& prefix) const;

  Status SetLinkUp(int ifindex, bool up) override;
  Status SetLinkAlias(int ifindex, std::string_view alias) override;
  Status SetLinkMtu(int ifindex, uint32_t mtu) override;
  Status DeleteLink(int ifindex) override;
  Status AddAddress(const AddressEntry& address) override;
  Status RemoveAddress(const AddressEntry& address) override;
  Status AddRoute(const RouteEntry& route) override;
  Status RemoveRoute(const RouteEntry& route) override;
  Result<std::vector<LinkEntry>> ListLinks() override;
  Result<std::vector<AddressEntry>> ListAddresses(int ifindex) override;
  Result<std::vector<RouteEntry>> ListRoutes(int ifindex) override;

 private:
  Status Call(const std::string& op, const std::string& args);

  int next_ifindex_ = 10;
  std::map<int, LinkEntry> links_;
  std::vector<AddressEntry> addresses_;
  std::vector<RouteEntry> routes_;
  std::vector<std::string> calls_;
  std::map<std::string, std::pair<int, Status>> failures_;
};

class FakeLinkDriver : public LinkDriver {
 public:
  explicit FakeLinkDriver(FakeRtnl& rtnl) : rtnl_(rtnl) {}

  void FailCreate(Status s) { create_failure_ = std::move(s); }

  std::string_view kind() const override { return "fake"; }
  Result<int> Create(const LinkRequest& request) override;
  Result<std::optional<LinkEntry>> Find(const std::string& name) override;
  Status Adopt(const LinkRequest& request, const LinkEntry& link) override;
  Status Delete(const LinkRequest& request, int ifindex) override;
  void Forget(const LinkRequest& request, int ifindex) override;

  std::vector<std::string> created, deleted, adopted, forgotten;

 private:
  FakeRtnl& rtnl_;
  Status create_failure_;
};

}  // namespace ikevpn::ifmgr::testing
