#include "daemon/ifmgr/tun_driver.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/base/log.h"

namespace ikevpn::ifmgr {
namespace {

// IFF_VNET_HDR: reads and writes carry a virtio_net_hdr, so the userspace
// datapath can take TCP super-packets (TSO) and write coalesced ones (GRO);
// it detects the flag with TUNGETIFF (kernel/userspace/tun_io.h).
constexpr short kTunFlags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;

Result<int> AttachQueue(const std::string& name, short flags) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return Status(Code::kInvalidArgument, "bad interface name '" + name + "'");
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("opening /dev/net/tun", errno);
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  ifr.ifr_flags = flags;
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    return ErrnoStatus("TUNSETIFF " + name, err);
  }
  return fd;
}

}  // namespace

Result<int> OpenTunQueue(const std::string& name) {
  return AttachQueue(name, kTunFlags | IFF_MULTI_QUEUE);
}

TunDriver::~TunDriver() {
  for (const auto& [ifindex, fd] : fds_) close(fd);
}

int TunDriver::fd(int ifindex) const {
  auto it = fds_.find(ifindex);
  return it == fds_.end() ? -1 : it->second;
}

void TunDriver::Attach(uint32_t if_id, int ifindex, int fd) {
  fds_[ifindex] = fd;
  if (sink_.on_tun_created) sink_.on_tun_created(if_id, fd);
}

void TunDriver::Detach(uint32_t if_id, int ifindex) {
  auto it = fds_.find(ifindex);
  if (it == fds_.end()) return;
  if (sink_.on_tun_deleted) sink_.on_tun_deleted(if_id);
  close(it->second);
  fds_.erase(it);
}

Result<int> TunDriver::Create(const LinkRequest& request) {
  // TUNSETIFF attaches to an existing device of that name instead of
  // failing, so check first.
  IKEVPN_ASSIGN_OR_RETURN(auto existing, rtnl_.GetLink(request.name));
  if (existing) return Status(Code::kExists, request.name + " exists already");
  IKEVPN_ASSIGN_OR_RETURN(int fd, OpenTunQueue(request.name));
  auto link = rtnl_.GetLink(request.name);
  Status s = link.status();
  if (s.ok() && !link->has_value()) s = Status(Code::kInternal, request.name + " vanished");
  if (s.ok()) s = rtnl_.SetLinkMtu((*link)->ifindex, request.mtu);
  if (!s.ok()) {
    close(fd);  // the device goes with its last queue
    return s.Annotate("creating TUN device " + request.name);
  }
  int ifindex = (*link)->ifindex;
  Attach(request.if_id, ifindex, fd);
  return ifindex;
}

Result<std::optional<LinkEntry>> TunDriver::Find(const std::string& name) {
  return rtnl_.GetLink(name);
}

Status TunDriver::Adopt(const LinkRequest& request, const LinkEntry& link) {
  IKEVPN_RETURN_IF_ERROR(CheckLinkKind(link, kind()));
  if (fds_.count(link.ifindex) != 0) return Status::Ok();
  auto fd = OpenTunQueue(request.name);
  // A persistent single-queue device refuses IFF_MULTI_QUEUE.
  if (!fd.ok()) fd = AttachQueue(request.name, kTunFlags);
  if (!fd.ok()) return fd.status().Annotate("adopting " + request.name);
  Attach(request.if_id, link.ifindex, *fd);
  return Status::Ok();
}

Status TunDriver::Delete(const LinkRequest& request, int ifindex) {
  Detach(request.if_id, ifindex);
  // Gone with its last queue unless persistent or held by someone else.
  IKEVPN_ASSIGN_OR_RETURN(auto link, rtnl_.GetLink(request.name));
  if (!link || link->ifindex != ifindex) return Status::Ok();
  Status s = rtnl_.DeleteLink(ifindex);
  if (s.code() == Code::kNotFound) return Status::Ok();
  return s.Annotate("deleting TUN device " + request.name);
}

void TunDriver::Forget(const LinkRequest& request, int ifindex) { Detach(request.if_id, ifindex); }

}  // namespace ikevpn::ifmgr
