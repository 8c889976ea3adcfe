// Socket options that make IKE sockets work next to kernel IPsec:
//  - a per-socket "allow" policy in and out (IP_XFRM_POLICY /
//    IPV6_XFRM_POLICY), so IKE datagrams bypass the SPD even when a policy
//    such as 0.0.0.0/0 <-> 0.0.0.0/0 would otherwise demand ESP for them;
//  - UDP_ENCAP_ESPINUDP on NAT-T sockets (RFC 3948), so the kernel takes
//    ESP-in-UDP off the socket. Datagrams starting with the non-ESP marker
//    (IKE) and keepalives are not touched: IKE still reaches the socket's
//    reader *with* the 4-byte marker, exactly as without the option.
// A socket policy is per address family: give each family its own socket
// (IPV6_V6ONLY), as a v6 socket's policy is not consulted for v4-mapped
// traffic.
#pragma once

#include <linux/xfrm.h>

#include "daemon/base/status.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::kernel::xfrm {

// The policy given to setsockopt; pure for tests. family: AF_INET/AF_INET6.
xfrm_userpolicy_info BuildSocketBypassPolicy(PolicyDir dir, int family);

// AF_INET or AF_INET6 of a bound or unbound socket.
Result<int> SocketFamily(int fd);
// Installs the in and out bypass policies.
Status SetIkeBypass(int fd, int family);
Status SetEspInUdp(int fd);

}  // namespace ikevpn::kernel::xfrm
