// NetlinkSocket: a raw AF_NETLINK socket that sends one built request and
// waits (bounded) for its answer: the ack, a reply, or a whole dump. Used
// for NETLINK_XFRM requests and, in the probe, NETLINK_ROUTE.
//
// The socket asks for extended acks (the kernel's reason string, e.g.
// "Requested type not found") and capped acks (the kernel does not echo the
// request, which for SAs holds keys).
//
// Blocking is bounded by `timeout` per request; the kernel answers xfrm
// requests synchronously, so on the event loop this costs microseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"
#include "daemon/kernel/xfrm/netlink_message.h"

namespace ikevpn::kernel::xfrm {

// Maps a kernel error (positive errno) to a Status naming the operation:
// "add SA ESP 0x… : Protocol not supported (kernel: Requested type not found)".
Status NetlinkErrorStatus(std::string_view what, int err, std::string_view kernel_msg);

class NetlinkSocket {
 public:
  NetlinkSocket() = default;
  ~NetlinkSocket();
  NetlinkSocket(NetlinkSocket&& other) noexcept;
  NetlinkSocket& operator=(NetlinkSocket&& other) noexcept;
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;

  // protocol: NETLINK_XFRM, NETLINK_ROUTE. `groups`: multicast group numbers
  // to join (monitor sockets); the socket is non-blocking then.
  static Result<NetlinkSocket> Open(int protocol, const std::vector<uint32_t>& groups = {});

  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }

  // Sends `request` and collects the answer:
  //  - NLM_F_DUMP: every message until NLMSG_DONE;
  //  - NLM_F_ACK: replies (if any) until the ack;
  //  - otherwise: the first reply.
  // A kernel error becomes NetlinkErrorStatus(what, …). Replies are returned
  // as copies; their views point into the returned buffers.
  // The views point into `buffers` (heap storage, stable when the Answer
  // is moved; do not copy it). Buffers are wiped: GETSA answers hold keys.
  struct Answer {
    std::vector<SecretBytes> buffers;
    std::vector<NlMessageView> messages;
  };
  Result<Answer> Request(const NlMessage& request, std::string_view what);
  // For requests that expect only an ack.
  Status Ack(const NlMessage& request, std::string_view what);

  // Monitor sockets: reads one datagram without blocking. kRetry when none
  // is pending; kDrop when the kernel dropped events (ENOBUFS overrun).
  Result<Bytes> ReceiveDatagram();

 private:
  explicit NetlinkSocket(int fd) : fd_(fd) {}
  Status ReceiveWithin(std::chrono::steady_clock::time_point deadline, SecretBytes* out,
                       std::string_view what);

  int fd_ = -1;
  uint32_t seq_ = 0;
  std::chrono::milliseconds timeout_{3000};
};

}  // namespace ikevpn::kernel::xfrm
