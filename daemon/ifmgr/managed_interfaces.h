// ManagedInterfaces: the InterfaceManager's state logic, independent of
// netlink. It counts users and CHILD_SAs per interface, decides when a link
// is up, and knows which addresses, routes and leak guards must exist; the
// kernel is reached only through a LinkDriver and RtnlOps, which tests fake.
//
// Invariants per interface:
//   - IFF_UP exactly while child_sas > 0 (a failed bring-up is retried on
//     the next ChildSaInstalled);
//   - while up, every remembered address and route is in the kernel (on up
//     they are re-added: the kernel drops IPv6 addresses and all routes of a
//     down link);
//   - while it exists, with leak_guard, a blackhole route per route
//     destination at leak_guard_metric;
//   - links we created carry ifalias kOwnerAlias and are deleted by the last
//     Release; adopted links (pre-existing, not ours) are never deleted.
//
// Release(name) does not say which user leaves, so the addresses and routes
// of every InterfaceSpec that acquired the interface stay until the last
// Release; dynamic ones (AddAddress/AddRoute) are counted per call. The
// first acquirer's mtu and leak-guard settings hold for the interface.
//
// Not thread-safe: call from the event loop.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/ifmgr/interface_manager.h"
#include "daemon/ifmgr/leak_guards.h"
#include "daemon/ifmgr/link_driver.h"
#include "daemon/ifmgr/rollback.h"
#include "daemon/ifmgr/rtnl_ops.h"

namespace ikevpn::ifmgr {

class ManagedInterfaces : public InterfaceManager {
 public:
  // `driver` and `ops` must outlive this; the destructor does not touch them
  // (call ReleaseAll first).
  ManagedInterfaces(LinkDriver& driver, RtnlOps& ops) : driver_(driver), ops_(ops), guards_(ops) {}

  Status Acquire(const InterfaceSpec& spec) override;
  void Release(const std::string& name) override;
  Status ChildSaInstalled(uint32_t if_id) override;
  Status ChildSaRemoved(uint32_t if_id) override;
  Status AddAddress(uint32_t if_id, const Prefix& address) override;
  Status RemoveAddress(uint32_t if_id, const Prefix& address) override;
  Status AddRoute(uint32_t if_id, const Route& route) override;
  Status RemoveRoute(uint32_t if_id, const Route& route) override;
  std::vector<InterfaceInfo> List() const override;
  Status CleanupLeftovers() override;
  void ReleaseAll() override;

  const LeakGuards& guards() const { return guards_; }

 private:
  struct Entry {
    LinkRequest link;
    int ifindex = 0;
    bool adopted = false;
    bool up = false;
    int users = 0;
    int child_sas = 0;
    bool leak_guard = true;
    uint32_t guard_metric = 4096;
    std::vector<std::pair<Prefix, int>> addresses;  // with reference counts
    std::vector<std::pair<Route, int>> routes;
  };

  Entry* FindByIfId(uint32_t if_id);
  Result<Entry*> Lookup(uint32_t if_id);
  Status Create(const InterfaceSpec& spec);
  Status AddUser(Entry& e, const InterfaceSpec& spec);
  Status AddSpecItems(Entry& e, const InterfaceSpec& spec, Rollback& rollback);

  Status Reconcile(Entry& e, std::string_view reason);
  Status BringUp(Entry& e, std::string_view reason);
  Status TakeDown(Entry& e, std::string_view reason);
  void Teardown(Entry& e, std::string_view reason);

  Status AddAddressRef(Entry& e, const Prefix& address);
  void DropAddressRef(Entry& e, const Prefix& address);
  Status AddRouteRef(Entry& e, const Route& route);
  void DropRouteRef(Entry& e, const Route& route);
  RouteEntry KernelRoute(const Entry& e, const Route& route) const;
  bool Owns(const RouteEntry& route) const;

  LinkDriver& driver_;
  RtnlOps& ops_;
  LeakGuards guards_;
  std::map<std::string, Entry> entries_;  // by name
};

}  // namespace ikevpn::ifmgr
