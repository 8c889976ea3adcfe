// ManagedInterfaces: acquiring, releasing and cleaning up interfaces.
// Up/down and the addresses and routes are in managed_interfaces_updown.cc.
#include "daemon/ifmgr/managed_interfaces.h"

#include "daemon/base/log.h"

namespace ikevpn::ifmgr {
namespace {

constexpr size_t kMaxNameLength = 15;  // IFNAMSIZ - 1

Status Validate(const InterfaceSpec& spec) {
  if (spec.name.empty() || spec.name.size() > kMaxNameLength) {
    return Status(Code::kInvalidArgument, "bad interface name '" + spec.name + "'");
  }
  if (spec.if_id == 0) {
    return Status(Code::kInvalidArgument, "if_id 0 is invalid (interface " + spec.name + ")");
  }
  return Status::Ok();
}

}  // namespace

ManagedInterfaces::Entry* ManagedInterfaces::FindByIfId(uint32_t if_id) {
  for (auto& [name, e] : entries_) {
    if (e.link.if_id == if_id) return &e;
  }
  return nullptr;
}

Result<ManagedInterfaces::Entry*> ManagedInterfaces::Lookup(uint32_t if_id) {
  Entry* e = FindByIfId(if_id);
  if (e == nullptr) return Status(Code::kNotFound, "no interface with if_id " + std::to_string(if_id));
  return e;
}

Status ManagedInterfaces::Acquire(const InterfaceSpec& spec) {
  IKEVPN_RETURN_IF_ERROR(Validate(spec));
  auto it = entries_.find(spec.name);
  if (it != entries_.end()) return AddUser(it->second, spec).Annotate("acquiring " + spec.name);
  if (FindByIfId(spec.if_id) != nullptr) {
    return Status(Code::kInvalidArgument, "if_id " + std::to_string(spec.if_id) +
                                              " is taken by another interface than " + spec.name);
  }
  return Create(spec).Annotate("acquiring " + spec.name);
}

Status ManagedInterfaces::Create(const InterfaceSpec& spec) {
  Rollback rollback;
  Entry& e = entries_[spec.name];
  rollback.Add([this, name = spec.name] { entries_.erase(name); });
  e.link = {spec.name, spec.if_id, spec.mtu};
  e.users = 1;
  e.leak_guard = spec.leak_guard;
  e.guard_metric = spec.leak_guard_metric;

  IKEVPN_ASSIGN_OR_RETURN(auto found, driver_.Find(spec.name));
  if (found) {
    // A link carrying our alias was left by an earlier run: it is ours.
    e.adopted = found->alias != kOwnerAlias;
    IKEVPN_RETURN_IF_ERROR(driver_.Adopt(e.link, *found));
    e.ifindex = found->ifindex;
  } else {
    IKEVPN_ASSIGN_OR_RETURN(e.ifindex, driver_.Create(e.link));
  }
  rollback.Add([this, &e] {
    if (e.adopted) {
      driver_.Forget(e.link, e.ifindex);
      return;
    }
    Status s = driver_.Delete(e.link, e.ifindex);
    if (!s.ok()) IKEVPN_LOG(kIf, kError) << "rolling back " << e.link.name << ": " << s.ToString();
  });
  if (!e.adopted) IKEVPN_RETURN_IF_ERROR(ops_.SetLinkAlias(e.ifindex, kOwnerAlias));
  IKEVPN_RETURN_IF_ERROR(ops_.SetLinkUp(e.ifindex, false));
  IKEVPN_RETURN_IF_ERROR(AddSpecItems(e, spec, rollback));
  rollback.Commit();
  IKEVPN_LOG(kIf, kInfo) << e.link.name << " " << (e.adopted ? "adopted" : "created") << " ("
                         << driver_.kind() << ", if_id " << e.link.if_id << ", ifindex "
                         << e.ifindex << "), down until a CHILD_SA is installed";
  return Status::Ok();
}

Status ManagedInterfaces::AddUser(Entry& e, const InterfaceSpec& spec) {
  if (spec.if_id != e.link.if_id) {
    return Status(Code::kInvalidArgument, e.link.name + " has if_id " +
                                              std::to_string(e.link.if_id) + ", not " +
                                              std::to_string(spec.if_id));
  }
  Rollback rollback;
  IKEVPN_RETURN_IF_ERROR(AddSpecItems(e, spec, rollback));
  rollback.Commit();
  ++e.users;
  return Status::Ok();
}

Status ManagedInterfaces::AddSpecItems(Entry& e, const InterfaceSpec& spec, Rollback& rollback) {
  for (const Prefix& address : spec.addresses) {
    IKEVPN_RETURN_IF_ERROR(AddAddressRef(e, address));
    rollback.Add([this, &e, address] { DropAddressRef(e, address); });
  }
  for (const Route& route : spec.routes) {
    IKEVPN_RETURN_IF_ERROR(AddRouteRef(e, route));
    rollback.Add([this, &e, route] { DropRouteRef(e, route); });
  }
  return Status::Ok();
}

void ManagedInterfaces::Release(const std::string& name) {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    IKEVPN_LOG(kIf, kWarn) << "release of unknown interface " << name;
    return;
  }
  if (--it->second.users > 0) return;
  Teardown(it->second, "released by its last user");
  entries_.erase(it);
}

void ManagedInterfaces::ReleaseAll() {
  for (auto& [name, e] : entries_) Teardown(e, "shutdown");
  entries_.clear();
}

void ManagedInterfaces::Teardown(Entry& e, std::string_view reason) {
  if (e.child_sas > 0) {
    IKEVPN_LOG(kIf, kWarn) << e.link.name << " released with " << e.child_sas
                           << " CHILD_SA(s) still installed";
  }
  if (e.up) {
    Status s = TakeDown(e, reason);
    if (!s.ok()) IKEVPN_LOG(kIf, kError) << s.ToString();
  }
  if (e.adopted) {
    while (!e.addresses.empty()) {
      e.addresses.back().second = 1;
      DropAddressRef(e, e.addresses.back().first);
    }
    driver_.Forget(e.link, e.ifindex);
    IKEVPN_LOG(kIf, kInfo) << e.link.name << " released (adopted, left in place): " << reason;
  } else {
    Status s = driver_.Delete(e.link, e.ifindex);
    if (s.ok()) {
      IKEVPN_LOG(kIf, kInfo) << e.link.name << " deleted: " << reason;
    } else {
      IKEVPN_LOG(kIf, kError) << s.ToString();
    }
  }
  // The leak guard goes last, after the interface.
  while (!e.routes.empty()) {
    e.routes.back().second = 1;
    DropRouteRef(e, e.routes.back().first);
  }
}

Status ManagedInterfaces::ChildSaInstalled(uint32_t if_id) {
  IKEVPN_ASSIGN_OR_RETURN(Entry * e, Lookup(if_id));
  ++e->child_sas;
  return Reconcile(*e, "CHILD_SA installed (if_id " + std::to_string(if_id) + ")");
}

Status ManagedInterfaces::ChildSaRemoved(uint32_t if_id) {
  IKEVPN_ASSIGN_OR_RETURN(Entry * e, Lookup(if_id));
  if (e->child_sas == 0) {
    return Status(Code::kInvalidArgument,
                  "no CHILD_SA installed for if_id " + std::to_string(if_id) + " (" + e->link.name + ")");
  }
  --e->child_sas;
  return Reconcile(*e, "last CHILD_SA removed (if_id " + std::to_string(if_id) + ")");
}

std::vector<InterfaceInfo> ManagedInterfaces::List() const {
  std::vector<InterfaceInfo> out;
  for (const auto& [name, e] : entries_) {
    out.push_back({name, e.link.if_id, e.ifindex, e.up, e.adopted, e.users, e.child_sas});
  }
  return out;
}

bool ManagedInterfaces::Owns(const RouteEntry& route) const {
  if (route.type == RouteType::kBlackhole) return guards_.Holds(route.destination, route.metric);
  for (const auto& [name, e] : entries_) {
    if (e.ifindex == route.ifindex) return true;
  }
  return false;
}

Status ManagedInterfaces::CleanupLeftovers() {
  Status first;
  auto keep = [&first](Status s) {
    if (!s.ok() && s.code() != Code::kNotFound) {
      IKEVPN_LOG(kIf, kError) << "cleaning up leftovers: " << s.ToString();
      if (first.ok()) first = s;
    }
  };
  IKEVPN_ASSIGN_OR_RETURN(auto links, ops_.ListLinks());
  for (const LinkEntry& link : links) {
    if (link.alias != kOwnerAlias || entries_.count(link.name) != 0) continue;
    IKEVPN_LOG(kIf, kInfo) << "removing leftover interface " << link.name << " (" << link.kind << ")";
    keep(ops_.DeleteLink(link.ifindex));
  }
  // After the links: their routes went with them.
  IKEVPN_ASSIGN_OR_RETURN(auto routes, ops_.ListRoutes(0));
  for (const RouteEntry& route : routes) {
    if (route.protocol != kRouteProtocol || Owns(route)) continue;
    IKEVPN_LOG(kIf, kInfo) << "removing leftover route " << ToString(route);
    keep(ops_.RemoveRoute(route));
  }
  return first;
}

}  // namespace ikevpn::ifmgr
