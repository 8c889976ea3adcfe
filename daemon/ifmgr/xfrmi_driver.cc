#include "daemon/ifmgr/xfrmi_driver.h"

#include <netlink/errno.h>
#include <netlink/route/link/xfrmi.h>

#include "daemon/base/log.h"
#include "daemon/ifmgr/libnl_ptr.h"

namespace ikevpn::ifmgr {
namespace {

constexpr char kProbeName[] = "ikevpn-probe";
constexpr uint32_t kProbeIfId = 0xfffffff0;

}  // namespace

Result<NlMsgPtr> BuildXfrmiAddRequest(const LinkRequest& request, int underlying_ifindex) {
  if (request.if_id == 0) {
    return Status(Code::kInvalidArgument, "if_id 0 is invalid for xfrm interface " + request.name);
  }
  LinkPtr link(rtnl_link_xfrmi_alloc());
  if (!link) return Status(Code::kInternal, "out of memory");
  rtnl_link_set_name(link.get(), request.name.c_str());
  rtnl_link_set_mtu(link.get(), request.mtu);
  int err = rtnl_link_xfrmi_set_if_id(link.get(), request.if_id);
  if (err >= 0 && underlying_ifindex != 0) {
    err = rtnl_link_xfrmi_set_link(link.get(), static_cast<uint32_t>(underlying_ifindex));
  }
  if (err < 0) return NlStatus("building xfrm interface " + request.name, err);
  nl_msg* msg = nullptr;
  err = rtnl_link_build_add_request(link.get(), NLM_F_CREATE | NLM_F_EXCL, &msg);
  if (err < 0) return NlStatus("building xfrm interface " + request.name, err);
  return NlMsgPtr(msg);
}

Result<int> XfrmiDriver::Create(const LinkRequest& request) {
  IKEVPN_ASSIGN_OR_RETURN(NlMsgPtr msg, BuildXfrmiAddRequest(request, underlying_ifindex_));
  Status s = rtnl_.Send(std::move(msg), "creating xfrm interface " + request.name);
  if (s.code() == Code::kUnsupported) {
    return Status(Code::kUnsupported,
                  "kernel lacks CONFIG_XFRM_INTERFACE: cannot create xfrm interface " +
                      request.name + " (" + s.message() + ")");
  }
  IKEVPN_RETURN_IF_ERROR(s);
  IKEVPN_ASSIGN_OR_RETURN(auto link, rtnl_.GetLink(request.name));
  if (!link) return Status(Code::kInternal, "xfrm interface " + request.name + " vanished");
  return link->ifindex;
}

Result<std::optional<LinkEntry>> XfrmiDriver::Find(const std::string& name) {
  return rtnl_.GetLink(name);
}

Status XfrmiDriver::Adopt(const LinkRequest& request, const LinkEntry& link) {
  IKEVPN_RETURN_IF_ERROR(CheckLinkKind(link, kind()));
  rtnl_link* raw = nullptr;
  int err = rtnl_link_get_kernel(rtnl_.sock(), link.ifindex, nullptr, &raw);
  LinkPtr kernel_link(raw);
  if (err < 0) return NlStatus("reading xfrm interface " + request.name, err);
  uint32_t if_id = 0;
  err = rtnl_link_xfrmi_get_if_id(kernel_link.get(), &if_id);
  if (err < 0) return NlStatus("reading if_id of " + request.name, err);
  if (if_id != request.if_id) {
    return Status(Code::kInvalidArgument, request.name + " has if_id " + std::to_string(if_id) +
                                              ", configured " + std::to_string(request.if_id));
  }
  return Status::Ok();
}

Status XfrmiDriver::Delete(const LinkRequest& request, int ifindex) {
  return rtnl_.DeleteLink(ifindex).Annotate("deleting xfrm interface " + request.name);
}

bool KernelSupportsXfrmInterfaces() {
  auto rtnl = Rtnl::Open();
  if (!rtnl.ok()) {
    IKEVPN_LOG(kIf, kWarn) << "xfrm interface probe: " << rtnl.status().ToString();
    return false;
  }
  XfrmiDriver driver(**rtnl);
  LinkRequest probe{kProbeName, kProbeIfId, 1400};
  auto stale = driver.Find(probe.name);
  if (stale.ok() && stale->has_value()) (void)(*rtnl)->DeleteLink((*stale)->ifindex);
  auto created = driver.Create(probe);
  if (!created.ok()) {
    IKEVPN_LOG(kIf, kDebug) << "xfrm interface probe: " << created.status().ToString();
    return false;
  }
  Status s = driver.Delete(probe, *created);
  if (!s.ok()) IKEVPN_LOG(kIf, kWarn) << "xfrm interface probe: " << s.ToString();
  return true;
}

}  // namespace ikevpn::ifmgr
