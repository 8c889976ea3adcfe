#include "daemon/net/ike_socket.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/base/log.h"
#include "daemon/ike/constants.h"

namespace ikevpn::net {

namespace {

constexpr size_t kMaxDatagram = 65535;

Status SetOpt(int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof value) < 0) return ErrnoStatus(what, errno);
  return Status::Ok();
}

// The local address a datagram was sent to, from its PKTINFO control message.
std::optional<IpAddress> LocalAddressOf(msghdr* msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      memcpy(&info, CMSG_DATA(c), sizeof info);
      return IpAddress::V4Bytes(
          std::span<const uint8_t, 4>(reinterpret_cast<const uint8_t*>(&info.ipi_addr), 4));
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      memcpy(&info, CMSG_DATA(c), sizeof info);
      return IpAddress::V6(
          std::span<const uint8_t, 16>(reinterpret_cast<const uint8_t*>(&info.ipi6_addr), 16));
    }
  }
  return std::nullopt;
}

}  // namespace

IkeSockets::IkeSockets(EventLoop& loop, kernel::KernelIpsec& kernel, IkeReceiver receiver)
    : loop_(loop), kernel_(kernel), receiver_(std::move(receiver)), rx_buffer_(kMaxDatagram) {}

IkeSockets::~IkeSockets() { Close(); }

Status IkeSockets::Open(const IkeSocketOptions& options) {
  options_ = options;
  for (int family : {AF_INET, AF_INET6}) {
    if ((family == AF_INET && !options.ipv4) || (family == AF_INET6 && !options.ipv6)) continue;
    for (uint16_t port : {options.port, options.nat_port}) {
      Status s = OpenOne(family, port);
      if (s.ok()) continue;
      if (family == AF_INET6 && s.code() == Code::kUnsupported) {
        IKEVPN_LOG(kNet, kWarn) << "no IPv6 on this host: " << s.message();
        break;
      }
      Close();
      return s;
    }
  }
  if (sockets_.empty()) return Status(Code::kInvalidArgument, "no IKE socket could be opened");
  return Status::Ok();
}

Status IkeSockets::OpenOne(int family, uint16_t port) {
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return ErrnoStatus(family == AF_INET6 ? "IPv6 UDP socket" : "UDP socket", errno);
  Socket s{fd, family, port};
  Status st;
  if (family == AF_INET6) {
    st = SetOpt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
    if (st.ok()) st = SetOpt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
  } else {
    st = SetOpt(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
  }
  if (st.ok()) st = SetOpt(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
  if (st.ok()) {
    Endpoint any{IpAddress::Any(family == AF_INET6 ? IpAddress::Family::kV6 : IpAddress::Family::kV4), port};
    sockaddr_storage ss;
    socklen_t len = any.ToSockaddr(&ss);
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0)
      st = ErrnoStatus("bind UDP port " + std::to_string(port) + (family == AF_INET6 ? " (IPv6)" : " (IPv4)"), errno);
  }
  const bool encap = port == options_.nat_port;
  if (st.ok()) {
    st = kernel_.AttachIkeSocket(fd, port, [this](ByteSpan m, const Endpoint& from, const Endpoint& to) {
      Deliver(m, to, from);
    });
  }
  if (st.ok() && !(encap && kernel_.ReadsEncapSockets())) {
    sockets_.push_back(s);
    Socket copy = s;
    st = loop_.AddFd(fd, EPOLLIN, [this, copy](uint32_t) { ReadReady(copy); });
    if (!st.ok()) sockets_.pop_back();
  } else if (st.ok()) {
    sockets_.push_back(s);
  }
  if (!st.ok()) {
    close(fd);
    return st;
  }
  IKEVPN_LOG(kNet, kDebug) << "listening on UDP " << (family == AF_INET6 ? "[::]" : "0.0.0.0") << ":" << port;
  return Status::Ok();
}

void IkeSockets::Close() {
  for (const Socket& s : sockets_) {
    loop_.RemoveFd(s.fd);
    close(s.fd);
  }
  sockets_.clear();
}

const IkeSockets::Socket* IkeSockets::Find(int family, uint16_t port) const {
  for (const Socket& s : sockets_)
    if (s.family == family && s.port == port) return &s;
  return nullptr;
}

void IkeSockets::ReadReady(const Socket& s) {
  // Drain what is queued, bounded so one busy socket cannot starve the loop.
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage from;
    alignas(cmsghdr) char control[128];
    iovec iov{rx_buffer_.data(), rx_buffer_.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(s.fd, &msg, 0);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        IKEVPN_LOG(kNet, kWarn) << "recvmsg on port " << s.port << ": " << strerror(errno);
      return;
    }
    auto remote = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&from), msg.msg_namelen);
    auto local_addr = LocalAddressOf(&msg);
    if (!remote || !local_addr || (msg.msg_flags & MSG_TRUNC)) continue;
    ByteSpan data(rx_buffer_.data(), static_cast<size_t>(n));
    if (s.port == options_.nat_port) {
      // RFC 3948 §2.2/§4: a single 0xFF is a NAT keepalive; IKE carries a
      // zero non-ESP marker; anything else would be ESP, which is the
      // kernel's (only reachable here when the backend lets us read).
      if (n == 1 && data[0] == 0xff) continue;
      if (n < static_cast<ssize_t>(ike::kNonEspMarkerSize) || LoadBe32(data.data()) != 0) continue;
      data = data.subspan(ike::kNonEspMarkerSize);
    }
    Deliver(data, Endpoint{*local_addr, s.port}, *remote);
  }
}

void IkeSockets::Deliver(ByteSpan message, const Endpoint& local, const Endpoint& remote) {
  IKEVPN_LOG(kNet, kTrace) << "received " << message.size() << " bytes from " << remote.ToString()
                           << " to " << local.ToString();
  receiver_(message, local, remote);
}

Status IkeSockets::Send(ByteSpan message, const Endpoint& local, const Endpoint& remote) {
  const Socket* s = Find(remote.address.af(), local.port);
  if (!s) return Status(Code::kNotFound, "no IKE socket for " + local.ToString());
  sockaddr_storage to;
  socklen_t to_len = remote.ToSockaddr(&to);
  static const uint8_t kMarker[ike::kNonEspMarkerSize] = {0, 0, 0, 0};
  iovec iov[2];
  int iovcnt = 0;
  if (local.port == options_.nat_port) iov[iovcnt++] = {const_cast<uint8_t*>(kMarker), sizeof kMarker};
  iov[iovcnt++] = {const_cast<uint8_t*>(message.data()), message.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = to_len;
  msg.msg_iov = iov;
  msg.msg_iovlen = static_cast<size_t>(iovcnt);
  if (!local.address.is_none() && !local.address.is_unspecified()) {
    msg.msg_control = control;
    cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
    if (local.address.is_v4()) {
      in_pktinfo info{};
      memcpy(&info.ipi_spec_dst, local.address.bytes().data(), 4);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof info);
      memcpy(CMSG_DATA(c), &info, sizeof info);
      msg.msg_controllen = CMSG_SPACE(sizeof info);
    } else {
      in6_pktinfo info{};
      memcpy(&info.ipi6_addr, local.address.bytes().data(), 16);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof info);
      memcpy(CMSG_DATA(c), &info, sizeof info);
      msg.msg_controllen = CMSG_SPACE(sizeof info);
    }
  }
  if (sendmsg(s->fd, &msg, 0) < 0)
    return ErrnoStatus("sending to " + remote.ToString(), errno);
  IKEVPN_LOG(kNet, kTrace) << "sent " << message.size() << " bytes to " << remote.ToString();
  return Status::Ok();
}

}  // namespace ikevpn::net

namespace ikevpn::net {

std::optional<IpAddress> IkeSockets::SourceFor(const IpAddress& remote) {
  // A connected UDP socket asks the routing table without sending anything.
  int fd = socket(remote.af(), SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return std::nullopt;
  sockaddr_storage ss;
  socklen_t len = Endpoint{remote, options_.port}.ToSockaddr(&ss);
  std::optional<IpAddress> out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
    sockaddr_storage me;
    socklen_t mlen = sizeof me;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&me), &mlen) == 0) {
      if (auto e = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&me), mlen)) out = e->address;
    }
  }
  close(fd);
  return out;
}

}  // namespace ikevpn::net
