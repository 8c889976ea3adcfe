#include "daemon/kernel/xfrm/xfrm_monitor.h"

#include <linux/xfrm.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "daemon/base/log.h"

namespace ikevpn::kernel::xfrm {

XfrmMonitor::XfrmMonitor(EventLoop& loop, NetlinkSocket sock, Handler handler)
    : loop_(loop), sock_(std::move(sock)), handler_(std::move(handler)) {}

XfrmMonitor::~XfrmMonitor() {
  if (sock_.is_open()) loop_.RemoveFd(sock_.fd());
}

Result<std::unique_ptr<XfrmMonitor>> XfrmMonitor::Start(EventLoop& loop, Handler handler) {
  IKEVPN_ASSIGN_OR_RETURN(
      NetlinkSocket sock,
      NetlinkSocket::Open(NETLINK_XFRM, {XFRMNLGRP_EXPIRE, XFRMNLGRP_ACQUIRE, XFRMNLGRP_MAPPING}));
  // Bursts of expires (many SAs installed at once) must not overrun it.
  int size = 1 << 20;
  (void)setsockopt(sock.fd(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  std::unique_ptr<XfrmMonitor> m(new XfrmMonitor(loop, std::move(sock), std::move(handler)));
  XfrmMonitor* raw = m.get();
  IKEVPN_RETURN_IF_ERROR(loop.AddFd(raw->sock_.fd(), EPOLLIN, [raw](uint32_t) {
    raw->OnReadable();
  }));
  return m;
}

int XfrmMonitor::Dispatch(ByteSpan datagram, const Handler& handler) {
  auto messages = SplitNlMessages(datagram);
  if (!messages.ok()) {
    IKEVPN_LOG(kKnl, kDebug) << "xfrm event datagram dropped: " << messages.status().ToString();
    return 1;
  }
  int dropped = 0;
  for (const NlMessageView& m : *messages) {
    auto event = ParseXfrmEvent(m);
    if (!event.ok()) {
      IKEVPN_LOG(kKnl, kDebug) << "xfrm event dropped: " << event.status().ToString();
      ++dropped;
      continue;
    }
    handler(*event);
  }
  return dropped;
}

void XfrmMonitor::OnReadable() {
  // Bounded so a flood cannot starve the rest of the loop; epoll calls again.
  for (int i = 0; i < 64; ++i) {
    auto datagram = sock_.ReceiveDatagram();
    if (!datagram.ok()) {
      Code code = datagram.status().code();
      if (code == Code::kRetry) return;
      if (code == Code::kDrop) {
        // Expires and acquires may have been missed; rekeying then falls
        // back to the IKE engine's own lifetime timers.
        IKEVPN_LOG(kKnl, kWarn) << "xfrm events: " << datagram.status().message();
        continue;
      }
      IKEVPN_LOG(kKnl, kError) << "xfrm events: " << datagram.status().ToString();
      return;
    }
    Dispatch(*datagram, handler_);
  }
}

}  // namespace ikevpn::kernel::xfrm
