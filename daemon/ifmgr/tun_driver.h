// TunDriver: ipsecN as TUN devices for the userspace ESP backend.
//
// Devices are created with TUNSETIFF (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE)
// and are not persistent: the driver holds the first queue's fd, so the
// device disappears with the daemon even if it crashes. The fd goes to the
// TunDeviceSink; the datapath may attach more queues with OpenTunQueue().
#pragma once

#include <map>
#include <string>

#include "daemon/ifmgr/link_driver.h"
#include "daemon/ifmgr/rtnl.h"

namespace ikevpn::ifmgr {

// Opens /dev/net/tun (O_RDWR | O_NONBLOCK | O_CLOEXEC) and attaches a queue
// of the TUN device `name`, creating it if it does not exist. Returns the fd;
// the caller owns it.
Result<int> OpenTunQueue(const std::string& name);

class TunDriver final : public LinkDriver {
 public:
  // `rtnl` must outlive the driver.
  TunDriver(Rtnl& rtnl, TunDeviceSink sink) : rtnl_(rtnl), sink_(std::move(sink)) {}
  // Closes the fds still held (their devices vanish) without notifying the
  // sink; call ReleaseAll on the manager first for an orderly shutdown.
  ~TunDriver() override;
  TunDriver(const TunDriver&) = delete;
  TunDriver& operator=(const TunDriver&) = delete;

  std::string_view kind() const override { return "tun"; }
  Result<int> Create(const LinkRequest& request) override;
  Result<std::optional<LinkEntry>> Find(const std::string& name) override;
  Status Adopt(const LinkRequest& request, const LinkEntry& link) override;
  Status Delete(const LinkRequest& request, int ifindex) override;
  void Forget(const LinkRequest& request, int ifindex) override;

  // The fd held for ifindex, or -1.
  int fd(int ifindex) const;

 private:
  void Attach(uint32_t if_id, int ifindex, int fd);
  void Detach(uint32_t if_id, int ifindex);

  Rtnl& rtnl_;
  TunDeviceSink sink_;
  std::map<int, int> fds_;  // ifindex -> fd
};

}  // namespace ikevpn::ifmgr
