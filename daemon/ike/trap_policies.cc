#include "daemon/ike/trap_policies.h"

#include "daemon/base/log.h"
#include "daemon/ifmgr/interface_manager.h"
#include "daemon/ike/exchange/child_negotiation.h"
#include "daemon/ike/sa/policy_refs.h"
#include "daemon/kernel/policy_priority.h"

namespace ikevpn::ike {

Result<std::vector<std::pair<kernel::PolicyId, kernel::PolicyData>>> TrapPoliciesFor(const config::Connection& c,
                                                                                    uint32_t reqid) {
  auto fail = [&c](const std::string& why) {
    return Status(Code::kInvalidArgument, "connection '" + c.name + "': cannot trap: " + why);
  };
  if (c.remote.kind != config::Host::Kind::kAddress) return fail("remote is not an address (" + c.remote.text + ")");
  if (!c.if_id) return fail("no if_id (its interface comes from the pool at runtime)");
  const IpAddress& remote = c.remote.address;
  const bool local_known = c.local.kind == config::Host::Kind::kAddress;
  if (c.local_ts.dynamic && (!local_known || c.virtual_ip))
    return fail("dynamic local-ts needs a local address and no virtual IP");
  TrafficSelectors local_ts = ResolveSelectors(c.local_ts, local_known ? c.local.address : IpAddress(), {});
  TrafficSelectors remote_ts = ResolveSelectors(c.remote_ts, remote, {});

  std::vector<std::pair<kernel::PolicyId, kernel::PolicyData>> out;
  for (const TrafficSelector& l : local_ts) {
    for (const TrafficSelector& r : remote_ts) {
      if (l.family() != r.family()) continue;
      kernel::PolicyId id{l, r, kernel::PolicyDir::kOut, *c.if_id};
      kernel::PolicyData d;
      d.priority = kernel::PolicyPriority(l, r);
      d.reqid = reqid;
      d.mode = c.mode == config::Mode::kTransport ? kernel::IpsecMode::kTransport : kernel::IpsecMode::kTunnel;
      // An unspecified source: the kernel takes the route's for the acquire.
      d.tmpl_src = local_known ? c.local.address : IpAddress::Any(remote.family());
      d.tmpl_dst = remote;
      out.emplace_back(id, d);
    }
  }
  if (out.empty()) return fail("no local and remote selectors of one family");
  return out;
}

Status TrapPolicies::Arm(const config::Connection& c, uint32_t reqid) {
  if (traps_.count(c.name)) return Status::Ok();
  IKEVPN_ASSIGN_OR_RETURN(auto policies, TrapPoliciesFor(c, reqid));
  Trap trap;
  trap.reqid = reqid;
  trap.if_id = *c.if_id;
  for (const auto& [id, data] : policies) {
    if (Status s = kernel_.policies.Acquire(id, data); !s.ok()) {
      for (const kernel::PolicyId& p : trap.policies) kernel_.policies.Release(p);
      return s.Annotate("connection '" + c.name + "': trap policy");
    }
    trap.policies.push_back(id);
  }
  if (!c.interface.empty()) {
    if (Status s = kernel_.interfaces.ChildSaInstalled(trap.if_id); !s.ok()) {
      IKEVPN_LOG(kIke, kWarn) << "connection " << c.name << ": trap: interface " << c.interface << ": "
                              << s.ToString();
    } else {
      trap.counted_on_interface = true;
    }
  }
  IKEVPN_LOG(kIke, kInfo) << "connection " << c.name << ": trap armed (" << trap.policies.size()
                          << " policies, reqid " << reqid << ")";
  traps_.emplace(c.name, std::move(trap));
  return Status::Ok();
}

void TrapPolicies::Disarm(const std::string& name) {
  auto it = traps_.find(name);
  if (it == traps_.end()) return;
  for (const kernel::PolicyId& p : it->second.policies) kernel_.policies.Release(p);
  if (it->second.counted_on_interface) {
    if (Status s = kernel_.interfaces.ChildSaRemoved(it->second.if_id); !s.ok())
      IKEVPN_LOG(kIke, kWarn) << "connection " << name << ": trap: " << s.ToString();
  }
  IKEVPN_LOG(kIke, kDebug) << "connection " << name << ": trap removed";
  traps_.erase(it);
}

std::optional<uint32_t> TrapPolicies::ReqidOf(const std::string& name) const {
  auto it = traps_.find(name);
  if (it == traps_.end()) return std::nullopt;
  return it->second.reqid;
}

std::optional<std::string> TrapPolicies::ConnectionOf(uint32_t reqid) const {
  for (const auto& [name, trap] : traps_)
    if (trap.reqid == reqid) return name;
  return std::nullopt;
}

}  // namespace ikevpn::ike
