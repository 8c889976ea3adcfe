// ManagedInterfaces: link up/down and the addresses, routes and leak guards
// that must exist in each state.
#include "daemon/base/log.h"
#include "daemon/ifmgr/managed_interfaces.h"

namespace ikevpn::ifmgr {
namespace {

// The kernel rejects a route whose destination has host bits set.
Route Canonical(const Route& route) {
  return {Prefix{route.destination.First(), route.destination.length}, route.metric};
}

bool OkOr(const Status& s, Code tolerated) { return s.ok() || s.code() == tolerated; }

}  // namespace

Status ManagedInterfaces::Reconcile(Entry& e, std::string_view reason) {
  bool want_up = e.child_sas > 0;
  if (want_up && !e.up) return BringUp(e, reason);
  if (!want_up && e.up) return TakeDown(e, reason);
  return Status::Ok();
}

RouteEntry ManagedInterfaces::KernelRoute(const Entry& e, const Route& route) const {
  RouteEntry r;
  r.type = RouteType::kUnicast;
  r.destination = route.destination;
  r.metric = route.metric;
  r.ifindex = e.ifindex;
  return r;
}

// Link up, then every remembered address (IPv6 ones were dropped by the last
// down) and route; all or nothing.
Status ManagedInterfaces::BringUp(Entry& e, std::string_view reason) {
  Rollback rollback;
  Status s = ops_.SetLinkUp(e.ifindex, true);
  if (s.ok()) {
    rollback.Add([this, &e] { (void)ops_.SetLinkUp(e.ifindex, false); });
  }
  for (size_t i = 0; s.ok() && i < e.addresses.size(); ++i) {
    s = ops_.AddAddress({e.ifindex, e.addresses[i].first});
    if (s.code() == Code::kExists) s = Status::Ok();
  }
  for (size_t i = 0; s.ok() && i < e.routes.size(); ++i) {
    RouteEntry route = KernelRoute(e, e.routes[i].first);
    s = ops_.AddRoute(route);
    if (s.ok()) rollback.Add([this, route] { (void)ops_.RemoveRoute(route); });
    if (s.code() == Code::kExists) s = Status::Ok();
  }
  if (!s.ok()) {
    s = s.Annotate("bringing up " + e.link.name);
    IKEVPN_LOG(kIf, kWarn) << e.link.name << " stays down: " << s.message();
    return s;
  }
  rollback.Commit();
  e.up = true;
  IKEVPN_LOG(kIf, kInfo) << e.link.name << " up: " << reason;
  return Status::Ok();
}

// Routes out explicitly (the kernel would drop them anyway), then link down.
// IPv4 addresses stay; IPv6 ones go, and are re-added by the next BringUp.
Status ManagedInterfaces::TakeDown(Entry& e, std::string_view reason) {
  for (const auto& [route, count] : e.routes) {
    Status s = ops_.RemoveRoute(KernelRoute(e, route));
    if (!OkOr(s, Code::kNotFound)) IKEVPN_LOG(kIf, kWarn) << e.link.name << ": " << s.ToString();
  }
  Status s = ops_.SetLinkUp(e.ifindex, false);
  if (!s.ok()) return s.Annotate("taking down " + e.link.name);
  e.up = false;
  IKEVPN_LOG(kIf, kInfo) << e.link.name << " down: " << reason;
  return Status::Ok();
}

Status ManagedInterfaces::AddAddress(uint32_t if_id, const Prefix& address) {
  IKEVPN_ASSIGN_OR_RETURN(Entry * e, Lookup(if_id));
  return AddAddressRef(*e, address);
}

Status ManagedInterfaces::RemoveAddress(uint32_t if_id, const Prefix& address) {
  IKEVPN_ASSIGN_OR_RETURN(Entry * e, Lookup(if_id));
  for (const auto& [a, count] : e->addresses) {
    if (a == address) {
      DropAddressRef(*e, address);
      return Status::Ok();
    }
  }
  return Status(Code::kNotFound, address.ToString() + " is not on " + e->link.name);
}

Status ManagedInterfaces::AddRoute(uint32_t if_id, const Route& route) {
  IKEVPN_ASSIGN_OR_RETURN(Entry * e, Lookup(if_id));
  return AddRouteRef(*e, route);
}

Status ManagedInterfaces::RemoveRoute(uint32_t if_id, const Route& route) {
  IKEVPN_ASSIGN_OR_RETURN(Entry * e, Lookup(if_id));
  Route canonical = Canonical(route);
  for (const auto& [r, count] : e->routes) {
    if (r == canonical) {
      DropRouteRef(*e, canonical);
      return Status::Ok();
    }
  }
  return Status(Code::kNotFound, "no route to " + canonical.destination.ToString() + " on " +
                                     e->link.name);
}

// Addresses are added whatever the link state: the kernel keeps IPv4 ones
// on a down link, and takes IPv6 ones until the next down.
Status ManagedInterfaces::AddAddressRef(Entry& e, const Prefix& address) {
  for (auto& [a, count] : e.addresses) {
    if (a == address) {
      ++count;
      return Status::Ok();
    }
  }
  Status s = ops_.AddAddress({e.ifindex, address});
  if (!OkOr(s, Code::kExists)) return s.Annotate(e.link.name);
  e.addresses.push_back({address, 1});
  return Status::Ok();
}

void ManagedInterfaces::DropAddressRef(Entry& e, const Prefix& address) {
  for (auto it = e.addresses.begin(); it != e.addresses.end(); ++it) {
    if (it->first != address) continue;
    if (--it->second > 0) return;
    Status s = ops_.RemoveAddress({e.ifindex, address});
    if (!OkOr(s, Code::kNotFound)) IKEVPN_LOG(kIf, kError) << e.link.name << ": " << s.ToString();
    e.addresses.erase(it);
    return;
  }
}

// A route goes into the kernel only while the link is up (the kernel
// refuses routes through a down device); its leak guard goes in at once.
Status ManagedInterfaces::AddRouteRef(Entry& e, const Route& requested) {
  Route route = Canonical(requested);
  if (e.leak_guard && route.metric >= e.guard_metric) {
    return Status(Code::kInvalidArgument,
                  "route to " + route.destination.ToString() + " on " + e.link.name + ": metric " +
                      std::to_string(route.metric) + " must be below the leak guard's " +
                      std::to_string(e.guard_metric));
  }
  for (auto& [r, count] : e.routes) {
    if (r == route) {
      ++count;
      return Status::Ok();
    }
  }
  Rollback rollback;
  if (e.leak_guard) {
    IKEVPN_RETURN_IF_ERROR(guards_.Acquire(route.destination, e.guard_metric));
    rollback.Add([this, &e, route] { guards_.Release(route.destination, e.guard_metric); });
  }
  if (e.up) {
    Status s = ops_.AddRoute(KernelRoute(e, route));
    if (!OkOr(s, Code::kExists)) return s.Annotate(e.link.name);
  }
  rollback.Commit();
  e.routes.push_back({route, 1});
  return Status::Ok();
}

void ManagedInterfaces::DropRouteRef(Entry& e, const Route& requested) {
  Route route = Canonical(requested);
  for (auto it = e.routes.begin(); it != e.routes.end(); ++it) {
    if (!(it->first == route)) continue;
    if (--it->second > 0) return;
    if (e.up) {
      Status s = ops_.RemoveRoute(KernelRoute(e, route));
      if (!OkOr(s, Code::kNotFound)) IKEVPN_LOG(kIf, kError) << e.link.name << ": " << s.ToString();
    }
    if (e.leak_guard) guards_.Release(route.destination, e.guard_metric);
    e.routes.erase(it);
    return;
  }
}

}  // namespace ikevpn::ifmgr
