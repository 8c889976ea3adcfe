#include "daemon/kernel/xfrm/ike_socket_options.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <string>

#include "daemon/kernel/xfrm/xfrm_policy_messages.h"
#include "daemon/kernel/xfrm/xfrm_types.h"

namespace ikevpn::kernel::xfrm {

xfrm_userpolicy_info BuildSocketBypassPolicy(PolicyDir dir, int family) {
  xfrm_userpolicy_info p{};
  p.sel.family = static_cast<uint16_t>(family);
  p.lft = UnlimitedLifetimeCfg();
  p.dir = ToXfrmDir(dir);
  p.action = XFRM_POLICY_ALLOW;
  return p;
}

Result<int> SocketFamily(int fd) {
  int domain = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0) {
    return ErrnoStatus("IKE socket family", errno);
  }
  if (domain != AF_INET && domain != AF_INET6) {
    return Status(Code::kInvalidArgument, "IKE socket is not IPv4/IPv6");
  }
  return domain;
}

Status SetIkeBypass(int fd, int family) {
  int level = family == AF_INET ? SOL_IP : SOL_IPV6;
  int opt = family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;
  for (PolicyDir dir : {PolicyDir::kIn, PolicyDir::kOut}) {
    xfrm_userpolicy_info p = BuildSocketBypassPolicy(dir, family);
    if (setsockopt(fd, level, opt, &p, sizeof p) < 0) {
      return ErrnoStatus(std::string("IKE socket bypass policy (dir ") +
                             (dir == PolicyDir::kIn ? "in" : "out") + ")",
                         errno);
    }
  }
  return Status::Ok();
}

Status SetEspInUdp(int fd) {
  int type = UDP_ENCAP_ESPINUDP;
  if (setsockopt(fd, SOL_UDP, UDP_ENCAP, &type, sizeof type) < 0) {
    return ErrnoStatus("UDP_ENCAP_ESPINUDP on the NAT-T socket", errno);
  }
  return Status::Ok();
}

}  // namespace ikevpn::kernel::xfrm
