#include "daemon/app/backend.h"

#include "daemon/base/log.h"
#include "daemon/ifmgr/netlink_interface_manager.h"
#include "daemon/kernel/userspace/userspace_ipsec.h"
#include "daemon/kernel/xfrm/xfrm_ipsec.h"
#include "daemon/kernel/xfrm/xfrm_probe.h"

namespace ikevpn::app {

namespace {

Result<Backend> Xfrm(EventLoop& loop) {
  Backend b;
  IKEVPN_ASSIGN_OR_RETURN(auto k, kernel::xfrm::XfrmIpsec::Create(&loop));
  ifmgr::NetlinkInterfaceManagerOptions o;
  o.kind = ifmgr::LinkKind::kXfrm;
  IKEVPN_ASSIGN_OR_RETURN(auto m, ifmgr::NetlinkInterfaceManager::Create(std::move(o)));
  b.kernel = std::move(k);
  b.interfaces = std::move(m);
  b.description = "xfrm (kernel ESP, xfrm interfaces)";
  return b;
}

Result<Backend> Userspace(EventLoop& loop, Rng& rng) {
  Backend b;
  auto u = std::make_unique<kernel::userspace::UserspaceIpsec>(loop, rng);
  kernel::userspace::UserspaceIpsec* raw = u.get();
  ifmgr::NetlinkInterfaceManagerOptions o;
  o.kind = ifmgr::LinkKind::kTun;
  o.tun_sink.on_tun_created = [raw](uint32_t if_id, int fd) {
    if (Status s = raw->AttachTun(if_id, fd); !s.ok())
      IKEVPN_LOG(kKnl, kError) << "attaching TUN of if_id " << if_id << ": " << s.ToString();
  };
  o.tun_sink.on_tun_deleted = [raw](uint32_t if_id) { (void)raw->DetachTun(if_id); };
  IKEVPN_ASSIGN_OR_RETURN(auto m, ifmgr::NetlinkInterfaceManager::Create(std::move(o)));
  b.kernel = std::move(u);
  b.interfaces = std::move(m);
  b.needs_udp_encap = true;
  b.description = "userspace (ESP in ikevpnd over TUN devices)";
  return b;
}

}  // namespace

Result<Backend> CreateBackend(BackendChoice choice, EventLoop& loop, Rng& rng) {
  switch (choice) {
    case BackendChoice::kXfrm:
      return Xfrm(loop);
    case BackendChoice::kUserspace:
      return Userspace(loop, rng);
    case BackendChoice::kAuto:
      break;
  }
  kernel::xfrm::XfrmCapabilities caps = kernel::xfrm::ProbeXfrm();
  if (caps.usable()) return Xfrm(loop);
  IKEVPN_LOG(kKnl, kInfo) << caps.Summary();
  return Userspace(loop, rng);
}

}  // namespace ikevpn::app
