// The kernel side of the daemon: a KernelIpsec backend and the interface
// manager that goes with it (xfrm interfaces for xfrm, TUN devices for the
// userspace ESP backend).
//
// `auto` probes the kernel (xfrm netlink, ESP SAs, xfrm interfaces) and
// says in one line why it falls back to userspace.
#pragma once

#include <memory>
#include <string>

#include "daemon/app/options.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/rng.h"
#include "daemon/ifmgr/interface_manager.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::app {

struct Backend {
  std::unique_ptr<kernel::KernelIpsec> kernel;
  std::unique_ptr<ifmgr::InterfaceManager> interfaces;
  // The userspace backend carries ESP only in UDP: the engine must force
  // encapsulation.
  bool needs_udp_encap = false;
  std::string description;  // for the start-up log line
};

// Creates the backend in the current network namespace. The userspace
// backend's TUN devices are handed from the interface manager to it.
Result<Backend> CreateBackend(BackendChoice choice, EventLoop& loop, Rng& rng);

}  // namespace ikevpn::app
