// What the running kernel can do for the xfrm backend, found by trying it:
//  - netlink: a NETLINK_XFRM socket opens and a policy dump answers
//    (CONFIG_XFRM_USER);
//  - esp: an ESP SA (cbc(aes) + hmac(sha256), to 127.0.0.1, SPI
//    kProbeSpi) can be added, then it is deleted at once. EEXIST counts as
//    yes. The SA has a 10-second hard lifetime, so even if the daemon dies
//    between add and delete the kernel removes it by itself;
//  - aes_gcm / chacha20_poly1305: the same with those AEADs (only if esp);
//  - xfrm_interface: an `xfrm` link (IFLA_XFRM_IF_ID) can be created over
//    rtnetlink, then it is deleted at once (CONFIG_XFRM_INTERFACE).
// Everything is tried in the caller's network namespace and removed again.
#pragma once

#include <string>
#include <string_view>

#include "daemon/kernel/xfrm/netlink_message.h"

namespace ikevpn::kernel::xfrm {

inline constexpr uint32_t kProbeSpi = 0x1beef0f0;
inline constexpr uint32_t kProbeIfId = 0x1beef0f0;

struct XfrmCapabilities {
  bool netlink = false;
  bool esp = false;
  bool aes_gcm = false;
  bool chacha20_poly1305 = false;
  bool xfrm_interface = false;
  // The kernel's answers, for debug logs ("Requested type not found").
  std::string netlink_detail;
  std::string esp_detail;
  std::string interface_detail;

  // What the xfrm backend needs: netlink, ESP and xfrm interfaces.
  bool usable() const { return netlink && esp && xfrm_interface; }
  // One line for `--backend auto`, e.g. "kernel lacks ESP (CONFIG_INET_ESP)
  // and xfrm interfaces (CONFIG_XFRM_INTERFACE): using the userspace backend".
  std::string Summary() const;
};

XfrmCapabilities ProbeXfrm();

// The rtnetlink requests of the interface probe (pure, for tests).
NlMessage BuildProbeLinkAdd(std::string_view name, uint32_t if_id);
NlMessage BuildProbeLinkDelete(std::string_view name);

}  // namespace ikevpn::kernel::xfrm
