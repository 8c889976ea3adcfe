#include "daemon/kernel/userspace/udp_io.h"

#include <errno.h>
#include <string.h>

#include <span>

#include "daemon/ike/constants.h"

namespace ikevpn::kernel::userspace {

namespace {

constexpr size_t kControlWords = 8;  // 64 bytes: one in(6)_pktinfo cmsg

std::optional<IpAddress> PktinfoAddress(msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      memcpy(&info, CMSG_DATA(c), sizeof info);
      const auto* b = reinterpret_cast<const uint8_t*>(&info.ipi_addr);
      return IpAddress::V4Bytes(std::span<const uint8_t, 4>(b, 4));
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      memcpy(&info, CMSG_DATA(c), sizeof info);
      return IpAddress::V6(std::span<const uint8_t, 16>(info.ipi6_addr.s6_addr, 16));
    }
  }
  return std::nullopt;
}

}  // namespace

NatTKind ClassifyNatT(ByteSpan d) {
  if (d.size() == 1 && d[0] == 0xff) return NatTKind::kKeepalive;
  if (d.size() >= ike::kNonEspMarkerSize && LoadBe32(d.data()) == 0) return NatTKind::kIke;
  if (d.size() < 8) return NatTKind::kInvalid;
  return NatTKind::kEsp;
}

int PrepareNatTSocket(int fd, uint16_t* local_port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return -1;
  std::optional<Endpoint> local = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  if (!local) return -1;
  *local_port = local->port;
  int one = 1;
  if (ss.ss_family == AF_INET) {
    if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0) return -1;
  } else if (ss.ss_family == AF_INET6) {
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0) return -1;
  } else {
    return -1;
  }
  return ss.ss_family;
}

UdpRxBatch::UdpRxBatch(size_t count, size_t slot_size)
    : storage_(count * slot_size),
      packets_(count),
      msgs_(count),
      iovs_(count),
      addrs_(count),
      control_(count * kControlWords),
      sources_(count),
      destinations_(count),
      slot_size_(slot_size) {}

size_t UdpRxBatch::Receive(int fd, uint16_t local_port) {
  size_t n = packets_.size();
  for (size_t i = 0; i < n; ++i) {
    packets_[i].Reset(storage_.data() + i * slot_size_, slot_size_);
    iovs_[i] = {packets_[i].data(), packets_[i].max_payload()};
    msghdr& h = msgs_[i].msg_hdr;
    h = {};
    h.msg_name = &addrs_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &iovs_[i];
    h.msg_iovlen = 1;
    h.msg_control = &control_[i * kControlWords];
    h.msg_controllen = kControlWords * sizeof(uint64_t);
  }
  int got = recvmmsg(fd, msgs_.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  if (got <= 0) return 0;
  for (int i = 0; i < got; ++i) {
    msghdr& h = msgs_[i].msg_hdr;
    packets_[i].length = msgs_[i].msg_len;
    if (h.msg_flags & MSG_TRUNC) packets_[i].length = 0;  // oversized: dropped as invalid
    std::optional<Endpoint> from =
        Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&addrs_[i]), h.msg_namelen);
    sources_[i] = from ? *from : Endpoint{};
    std::optional<IpAddress> to = PktinfoAddress(h);
    destinations_[i] = Endpoint{to ? *to : IpAddress{}, local_port};
  }
  return static_cast<size_t>(got);
}

UdpTxBatch::UdpTxBatch(size_t count) : msgs_(count), iovs_(count), addrs_(count) {}

void UdpTxBatch::Add(const PacketBuffer& pkt, const Endpoint& to) {
  size_t i = used_++;
  iovs_[i] = {pkt.data(), pkt.length};
  msghdr& h = msgs_[i].msg_hdr;
  h = {};
  h.msg_namelen = to.ToSockaddr(&addrs_[i]);
  h.msg_name = &addrs_[i];
  h.msg_iov = &iovs_[i];
  h.msg_iovlen = 1;
}

size_t UdpTxBatch::Flush(int fd) {
  size_t sent = 0;
  size_t dropped = 0;
  while (sent < used_) {
    int n = sendmmsg(fd, msgs_.data() + sent, static_cast<unsigned>(used_ - sent), MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      // Overload: drop the rest rather than queue it.
      dropped += used_ - sent;
      break;
    }
    // This datagram failed (unreachable peer, ...): skip it, send the rest.
    ++dropped;
    ++sent;
  }
  used_ = 0;
  return dropped;
}

}  // namespace ikevpn::kernel::userspace
