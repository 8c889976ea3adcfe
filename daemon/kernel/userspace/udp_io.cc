#include "daemon/kernel/userspace/udp_io.h"

#include <errno.h>
#include <string.h>

#include <netinet/udp.h>

#include <span>

#include "daemon/ike/constants.h"

namespace ikevpn::kernel::userspace {

namespace {

constexpr size_t kControlWords = 12;  // 96 bytes: in(6)_pktinfo and UDP_GRO cmsgs
// UDP payload of one GSO send; below the 65,507 bytes IPv4 allows.
constexpr size_t kMaxGsoBytes = 65000;

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

// The datagram size of a UDP_GRO message, 0 if it is one datagram.
size_t GroSegmentSize(msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
      int size;
      memcpy(&size, CMSG_DATA(c), sizeof size);
      return size > 0 ? static_cast<size_t>(size) : 0;
    }
  }
  return 0;
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

bool EnableUdpGro(int fd) {
  int one = 1;
  return setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one) == 0;
}

UdpRxBatch::UdpRxBatch(size_t count, size_t slot_size, bool gro)
    : storage_(count * slot_size),
      packets_(count * (gro ? kMaxGroSegments : 1)),
      message_of_(packets_.size()),
      msgs_(count),
      iovs_(count),
      addrs_(count),
      control_(count * kControlWords),
      sources_(count),
      destinations_(count),
      slot_size_(slot_size) {}

size_t UdpRxBatch::Receive(int fd, uint16_t local_port) {
  size_t n = msgs_.size();
  for (size_t i = 0; i < n; ++i) {
    PacketBuffer slot;
    slot.Reset(storage_.data() + i * slot_size_, slot_size_);
    iovs_[i] = {slot.data(), slot.max_payload()};
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
  size_t datagrams = 0;
  for (int i = 0; i < got; ++i) {
    msghdr& h = msgs_[i].msg_hdr;
    std::optional<Endpoint> from =
        Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&addrs_[i]), h.msg_namelen);
    sources_[i] = from ? *from : Endpoint{};
    std::optional<IpAddress> to = PktinfoAddress(h);
    destinations_[i] = Endpoint{to ? *to : IpAddress{}, local_port};
    size_t length = msgs_[i].msg_len;
    if (h.msg_flags & MSG_TRUNC) length = 0;  // oversized: dropped as invalid
    size_t segment = GroSegmentSize(h);
    if (segment == 0 || segment > length) segment = length;
    uint8_t* slot = storage_.data() + i * slot_size_;
    size_t offset = kPacketHeadroom;
    // A GRO message is a run of `segment`-byte datagrams, the last shorter.
    do {
      if (datagrams == packets_.size()) break;
      size_t len = length < segment ? length : segment;
      PacketBuffer& p = packets_[datagrams];
      p.base = slot;
      p.offset = offset;
      p.length = len;
      p.capacity = offset + len;
      message_of_[datagrams++] = static_cast<uint32_t>(i);
      offset += len;
      length -= len;
    } while (length > 0);
  }
  return datagrams;
}

UdpTxBatch::UdpTxBatch(size_t count, bool gso)
    : iovs_(count),
      dests_(count),
      msgs_(count),
      addrs_(count),
      control_(count * 4),
      first_(count + 1),
      gso_(gso) {}

void UdpTxBatch::Add(const PacketBuffer& pkt, const Endpoint& to) {
  size_t i = used_++;
  iovs_[i] = {pkt.data(), pkt.length};
  dests_[i] = to;
}

size_t UdpTxBatch::BuildMessages(size_t pos) {
  size_t m = 0;
  size_t i = pos;
  while (i < used_ && m < msgs_.size()) {
    size_t start = i++;
    size_t segment = iovs_[start].iov_len;
    size_t total = segment;
    if (gso_) {
      // Equal sizes to one peer; a shorter one ends the run.
      while (i < used_ && i - start < kMaxGsoSegments && iovs_[i].iov_len <= segment &&
             total + iovs_[i].iov_len <= kMaxGsoBytes && dests_[i] == dests_[start]) {
        total += iovs_[i].iov_len;
        if (iovs_[i++].iov_len < segment) break;
      }
    }
    msghdr& h = msgs_[m].msg_hdr;
    h = {};
    h.msg_namelen = dests_[start].ToSockaddr(&addrs_[m]);
    h.msg_name = &addrs_[m];
    h.msg_iov = &iovs_[start];
    h.msg_iovlen = i - start;
    if (i - start > 1) {
      h.msg_control = &control_[m * 4];
      h.msg_controllen = CMSG_SPACE(sizeof(uint16_t));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      uint16_t gso_size = static_cast<uint16_t>(segment);
      memcpy(CMSG_DATA(c), &gso_size, sizeof gso_size);
    }
    first_[m++] = start;
  }
  first_[m] = i;
  return m;
}

size_t UdpTxBatch::Flush(int fd) {
  size_t pos = 0;
  size_t dropped = 0;
  while (pos < used_) {
    size_t m = BuildMessages(pos);
    int n = sendmmsg(fd, msgs_.data(), static_cast<unsigned>(m), MSG_DONTWAIT);
    if (n > 0) {
      pos = first_[static_cast<size_t>(n)];
      continue;
    }
    int err = errno;
    if (n < 0 && err == EINTR) continue;
    if (n < 0 && (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS)) {
      // Overload: drop the rest rather than queue it.
      dropped += used_ - pos;
      break;
    }
    if (first_[1] - first_[0] > 1 &&
        (err == EIO || err == EINVAL || err == EOPNOTSUPP || err == ENOPROTOOPT)) {
      gso_ = false;  // this path cannot segment: send one by one from now on
      continue;
    }
    // This message failed (unreachable peer, ...): skip it, send the rest.
    dropped += first_[1] - first_[0];
    pos = first_[1];
  }
  used_ = 0;
  return dropped;
}

}  // namespace ikevpn::kernel::userspace
