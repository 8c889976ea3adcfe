// XfrmMonitor: a NETLINK_XFRM socket joined to the EXPIRE, ACQUIRE and
// MAPPING groups, watched by the daemon's EventLoop. Each datagram is split
// and parsed (xfrm_events.h); good events go to the handler, malformed ones
// are logged at debug and dropped.
#pragma once

#include <functional>
#include <memory>

#include "daemon/base/bytes.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/status.h"
#include "daemon/kernel/xfrm/netlink_socket.h"
#include "daemon/kernel/xfrm/xfrm_events.h"

namespace ikevpn::kernel::xfrm {

class XfrmMonitor {
 public:
  using Handler = std::function<void(const XfrmEvent&)>;

  // Opens the socket in the caller's network namespace and adds it to
  // `loop`, which must outlive the monitor.
  static Result<std::unique_ptr<XfrmMonitor>> Start(EventLoop& loop, Handler handler);
  ~XfrmMonitor();
  XfrmMonitor(const XfrmMonitor&) = delete;
  XfrmMonitor& operator=(const XfrmMonitor&) = delete;

  // Parses one datagram and hands each event to `handler`. Returns how many
  // messages were dropped as malformed.
  static int Dispatch(ByteSpan datagram, const Handler& handler);

 private:
  XfrmMonitor(EventLoop& loop, NetlinkSocket sock, Handler handler);
  void OnReadable();

  EventLoop& loop_;
  NetlinkSocket sock_;
  Handler handler_;
};

}  // namespace ikevpn::kernel::xfrm
