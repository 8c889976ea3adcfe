// LinkDriver: the kind-specific part of an ipsecN interface — creating,
// adopting and deleting the link itself. Everything else (up/down, addresses,
// routes, leak guard, ownership tagging) is shared and lives in
// ManagedInterfaces.
//
//   XfrmiDriver  `type xfrm` links with IFLA_XFRM_IF_ID (kernel backend)
//   TunDriver    TUN devices whose fd carries ESP in the daemon (userspace)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/base/status.h"
#include "daemon/ifmgr/rtnl_ops.h"

namespace ikevpn::ifmgr {

struct LinkRequest {
  std::string name;  // at most 15 characters (IFNAMSIZ - 1)
  uint32_t if_id = 0;  // never 0
  uint32_t mtu = 1400;
};

// Where the userspace backend learns about TUN devices. The fd is borrowed:
// it stays valid until on_tun_deleted(if_id) returns, after which the driver
// closes it. The datapath may open more queues with OpenTunQueue(). Both run
// on the thread that calls the InterfaceManager (the event loop).
struct TunDeviceSink {
  std::function<void(uint32_t if_id, int fd)> on_tun_created;
  std::function<void(uint32_t if_id)> on_tun_deleted;
};

class LinkDriver {
 public:
  virtual ~LinkDriver() = default;

  // "xfrm" or "tun", as IFLA_INFO_KIND reports it.
  virtual std::string_view kind() const = 0;
  // Creates the link, down, with the request's MTU. Returns its ifindex.
  // kExists if a link of that name exists; kUnsupported if the kernel cannot
  // make links of this kind.
  virtual Result<int> Create(const LinkRequest& request) = 0;
  // The link called `name`, if one exists (of any kind).
  virtual Result<std::optional<LinkEntry>> Find(const std::string& name) = 0;
  // Starts using an existing link (found by Find). kInvalidArgument if it is
  // of another kind or (xfrm) carries another if_id.
  virtual Status Adopt(const LinkRequest& request, const LinkEntry& link) = 0;
  // Removes a link this driver created or adopted as ours.
  virtual Status Delete(const LinkRequest& request, int ifindex) = 0;
  // Stops using an adopted link without deleting it.
  virtual void Forget(const LinkRequest& request, int ifindex) = 0;
};

// For Adopt(): kInvalidArgument unless the existing `link` is of `kind`.
inline Status CheckLinkKind(const LinkEntry& link, std::string_view kind) {
  if (link.kind == kind) return Status::Ok();
  return Status(Code::kInvalidArgument, link.name + " exists and is a '" + link.kind +
                                            "' link, not '" + std::string(kind) + "'");
}

}  // namespace ikevpn::ifmgr
