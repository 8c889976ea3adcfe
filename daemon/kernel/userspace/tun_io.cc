#include "daemon/kernel/userspace/tun_io.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace ikevpn::kernel::userspace {

Status SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return ErrnoStatus("fcntl O_NONBLOCK", errno);
  }
  return Status::Ok();
}

size_t ReadTunBatch(int fd, PacketBuffer* packets, size_t count) {
  size_t n = 0;
  while (n < count) {
    PacketBuffer& p = packets[n];
    ssize_t got = read(fd, p.data(), p.max_payload());
    if (got < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN, or the device went away
    }
    if (got == 0) break;
    p.length = static_cast<size_t>(got);
    ++n;
  }
  return n;
}

bool WriteTun(int fd, const PacketBuffer& pkt) {
  for (;;) {
    ssize_t n = write(fd, pkt.data(), pkt.length);
    if (n >= 0) return true;
    if (errno != EINTR) return false;
  }
}

Result<bool> SetupTunOffload(int fd) {
  ifreq ifr{};
  if (ioctl(fd, TUNGETIFF, &ifr) < 0) return false;  // not a TUN device: plain reads and writes
  if (!(ifr.ifr_flags & IFF_VNET_HDR)) return false;
  unsigned long offload = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
  if (ioctl(fd, TUNSETOFFLOAD, offload) < 0) return ErrnoStatus("TUNSETOFFLOAD", errno);
  return true;
}

Result<int> OpenTun(const std::string& name, bool vnet_hdr) {
  if (name.size() >= IFNAMSIZ) return Status(Code::kInvalidArgument, "interface name too long");
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open /dev/net/tun", errno);
  ifreq ifr{};
  ifr.ifr_flags = static_cast<short>(IFF_TUN | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0));
  memcpy(ifr.ifr_name, name.data(), name.size());
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    return ErrnoStatus("TUNSETIFF " + name, err);
  }
  return fd;
}

}  // namespace ikevpn::kernel::userspace
