#include "tests/unit/ifmgr/fake_kernel.h"

#include <algorithm>

namespace ikevpn::ifmgr::testing {
namespace {

Prefix P(const std::string& text) { return *Prefix::Parse(text); }

}  // namespace

void FakeRtnl::FailCall(const std::string& op, int nth, Status status) {
  failures_[op] = {nth, std::move(status)};
}

Status FakeRtnl::Call(const std::string& op, const std::string& args) {
  calls_.push_back(op + "(" + args + ")");
  auto it = failures_.find(op);
  if (it == failures_.end()) return Status::Ok();
  if (--it->second.first > 0) return Status::Ok();
  Status s = it->second.second;
  failures_.erase(it);
  return s;
}

int FakeRtnl::CountCalls(const std::string& prefix) const {
  return static_cast<int>(std::count_if(calls_.begin(), calls_.end(), [&](const std::string& c) {
    return c.rfind(prefix, 0) == 0;
  }));
}

int FakeRtnl::AddLink(const std::string& name, const std::string& kind, const std::string& alias) {
  int ifindex = next_ifindex_++;
  links_[ifindex] = LinkEntry{ifindex, name, kind, alias, false, 1500};
  return ifindex;
}

void FakeRtnl::RemoveLink(int ifindex) {
  links_.erase(ifindex);
  std::erase_if(addresses_, [&](const AddressEntry& a) { return a.ifindex == ifindex; });
  std::erase_if(routes_, [&](const RouteEntry& r) { return r.ifindex == ifindex; });
}

const LinkEntry* FakeRtnl::link(int ifindex) const {
  auto it = links_.find(ifindex);
  return it == links_.end() ? nullptr : &it->second;
}

const LinkEntry* FakeRtnl::link(const std::string& name) const {
  for (const auto& [i, l] : links_) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

bool FakeRtnl::HasAddress(int ifindex, const std::string& prefix) const {
  AddressEntry a{ifindex, P(prefix)};
  return std::find(addresses_.begin(), addresses_.end(), a) != addresses_.end();
}

bool FakeRtnl::HasRoute(int ifindex, const std::string& prefix, uint32_t metric) const {
  RouteEntry r{RouteType::kUnicast, P(prefix), metric, ifindex};
  return std::find(routes_.begin(), routes_.end(), r) != routes_.end();
}

bool FakeRtnl::HasBlackhole(const std::string& prefix, uint32_t metric) const {
  RouteEntry r{RouteType::kBlackhole, P(prefix), metric, 0};
  return std::find(routes_.begin(), routes_.end(), r) != routes_.end();
}

Status FakeRtnl::SetLinkUp(int ifindex, bool up) {
  IKEVPN_RETURN_IF_ERROR(Call("SetLinkUp", std::to_string(ifindex) + (up ? ",up" : ",down")));
  auto it = links_.find(ifindex);
  if (it == links_.end()) return Status(Code::kNotFound, "no link");
  if (it->second.up && !up) {
    // What the kernel does to a link going down.
    std::erase_if(addresses_, [&](const AddressEntry& a) {
      return a.ifindex == ifindex && a.address.address.is_v6();
    });
    std::erase_if(routes_, [&](const RouteEntry& r) { return r.ifindex == ifindex; });
  }
  it->second.up = up;
  return Status::Ok();
}

Status FakeRtnl::SetLinkAlias(int ifindex, std::string_view alias) {
  IKEVPN_RETURN_IF_ERROR(Call("SetLinkAlias", std::to_string(ifindex)));
  if (links_.count(ifindex) == 0) return Status(Code::kNotFound, "no link");
  links_[ifindex].alias = std::string(alias);
  return Status::Ok();
}

Status FakeRtnl::SetLinkMtu(int ifindex, uint32_t mtu) {
  IKEVPN_RETURN_IF_ERROR(Call("SetLinkMtu", std::to_string(ifindex)));
  if (links_.count(ifindex) == 0) return Status(Code::kNotFound, "no link");
  links_[ifindex].mtu = mtu;
  return Status::Ok();
}

Status FakeRtnl::DeleteLink(int ifindex) {
  IKEVPN_RETURN_IF_ERROR(Call("DeleteLink", std::to_string(ifindex)));
  if (links_.count(ifindex) == 0) return Status(Code::kNotFound, "no link");
  RemoveLink(ifindex);
  return Status::Ok();
}

Status FakeRtnl::AddAddress(const AddressEntry& a) {
  IKEVPN_RETURN_IF_ERROR(Call("AddAddress", a.address.ToString()));
  if (links_.count(a.ifindex) == 0) return Status(Code::kNotFound, "no link");
  if (HasAddress(a.ifindex, a.address.ToString())) return Status(Code::kExists, "exists");
  addresses_.push_back(a);
  return Status::Ok();
}

Status FakeRtnl::RemoveAddress(const AddressEntry& a) {
  IKEVPN_RETURN_IF_ERROR(Call("RemoveAddress", a.address.ToString()));
  auto it = std::find(addresses_.begin(), addresses_.end(), a);
  if (it == addresses_.end()) return Status(Code::kNotFound, "no address");
  addresses_.erase(it);
  return Status::Ok();
}

Status FakeRtnl::AddRoute(const RouteEntry& r) {
  IKEVPN_RETURN_IF_ERROR(Call("AddRoute", ToString(r)));
  if (r.type == RouteType::kUnicast) {
    auto it = links_.find(r.ifindex);
    if (it == links_.end() || !it->second.up) {
      return Status(Code::kInvalidArgument, "Nexthop device is not up");
    }
  }
  if (std::find(routes_.begin(), routes_.end(), r) != routes_.end()) {
    return Status(Code::kExists, "exists");
  }
  routes_.push_back(r);
  return Status::Ok();
}

Status FakeRtnl::RemoveRoute(const RouteEntry& r) {
  IKEVPN_RETURN_IF_ERROR(Call("RemoveRoute", ToString(r)));
  auto it = std::find(routes_.begin(), routes_.end(), r);
  if (it == routes_.end()) return Status(Code::kNotFound, "no route");
  routes_.erase(it);
  return Status::Ok();
}

Result<std::vector<LinkEntry>> FakeRtnl::ListLinks() {
  std::vector<LinkEntry> out;
  for (const auto& [i, l] : links_) out.push_back(l);
  return out;
}

Result<std::vector<AddressEntry>> FakeRtnl::ListAddresses(int ifindex) {
  std::vector<AddressEntry> out;
  for (const auto& a : addresses_) {
    if (ifindex == 0 || a.ifindex == ifindex) out.push_back(a);
  }
  return out;
}

Result<std::vector<RouteEntry>> FakeRtnl::ListRoutes(int ifindex) {
  std::vector<RouteEntry> out;
  for (const auto& r : routes_) {
    if (ifindex == 0 || r.ifindex == ifindex) out.push_back(r);
  }
  return out;
}

Result<int> FakeLinkDriver::Create(const LinkRequest& request) {
  if (!create_failure_.ok()) return create_failure_;
  if (rtnl_.link(request.name) != nullptr) return Status(Code::kExists, "exists");
  created.push_back(request.name);
  return rtnl_.AddLink(request.name, "fake");
}

Result<std::optional<LinkEntry>> FakeLinkDriver::Find(const std::string& name) {
  const LinkEntry* l = rtnl_.link(name);
  if (l == nullptr) return std::optional<LinkEntry>();
  return std::optional<LinkEntry>(*l);
}

Status FakeLinkDriver::Adopt(const LinkRequest& request, const LinkEntry& link) {
  if (link.kind != "fake") return Status(Code::kInvalidArgument, "wrong kind");
  adopted.push_back(request.name);
  return Status::Ok();
}

Status FakeLinkDriver::Delete(const LinkRequest& request, int ifindex) {
  deleted.push_back(request.name);
  rtnl_.RemoveLink(ifindex);
  return Status::Ok();
}

void FakeLinkDriver::Forget(const LinkRequest& request, int) { forgotten.push_back(request.name); }

}  // namespace ikevpn::ifmgr::testing
