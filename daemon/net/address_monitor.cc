#include "daemon/net/address_monitor.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/base/log.h"

namespace ikevpn::net {

namespace {

constexpr size_t kBufferSize = 64 * 1024;

}  // namespace

bool HasAddressOrRouteChange(ByteSpan buffer) {
  size_t offset = 0;
  while (buffer.size() - offset >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, buffer.data() + offset, sizeof h);
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > buffer.size() - offset) return false;
    switch (h.nlmsg_type) {
      case RTM_NEWADDR:
      case RTM_DELADDR:
      case RTM_NEWROUTE:
      case RTM_DELROUTE:
      case RTM_NEWLINK:
      case RTM_DELLINK:
        return true;
      default:
        break;
    }
    offset += NLMSG_ALIGN(h.nlmsg_len);
    if (offset > buffer.size()) return false;
  }
  return false;
}

AddressMonitor::AddressMonitor(EventLoop& loop, std::function<void()> on_change, Duration settle)
    : loop_(loop), on_change_(std::move(on_change)), settle_(settle) {}

AddressMonitor::~AddressMonitor() { Stop(); }

Status AddressMonitor::Start() {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) return ErrnoStatus("rtnetlink socket for address changes", errno);
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) {
    Status s = ErrnoStatus("joining the rtnetlink address and route groups", errno);
    Stop();
    return s;
  }
  buffer_.resize(kBufferSize);
  if (Status s = loop_.AddFd(fd_, EPOLLIN, [this](uint32_t) { ReadReady(); }); !s.ok()) {
    close(fd_);
    fd_ = -1;
    return s;
  }
  return Status::Ok();
}

void AddressMonitor::Stop() {
  loop_.Cancel(timer_);
  timer_ = kNoTimer;
  if (fd_ < 0) return;
  loop_.RemoveFd(fd_);
  close(fd_);
  fd_ = -1;
}

void AddressMonitor::ReadReady() {
  bool changed = false;
  for (;;) {
    ssize_t n = recv(fd_, buffer_.data(), buffer_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        // The kernel dropped messages: something changed that we did not see.
        changed = true;
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        IKEVPN_LOG(kNet, kWarn) << ErrnoStatus("reading rtnetlink", errno).ToString();
      break;
    }
    if (HasAddressOrRouteChange(ByteSpan(buffer_.data(), static_cast<size_t>(n)))) changed = true;
  }
  if (changed) Changed();
}

void AddressMonitor::Changed() {
  // Coalesce: the callback runs `settle_` after the last change of a burst.
  loop_.Cancel(timer_);
  timer_ = loop_.Schedule(settle_, [this] {
    timer_ = kNoTimer;
    IKEVPN_LOG(kNet, kDebug) << "local addresses or routes changed";
    on_change_();
  });
}

}  // namespace ikevpn::net
