// IkeSockets: the UDP sockets IKE runs on (RFC 7296 §2.11, RFC 3948).
//
// One socket per family and port (500 and 4500 by default), bound to the
// wildcard address, with IP_PKTINFO/IPV6_RECVPKTINFO so every datagram is
// known by the local address it arrived on, and replies leave from that
// address. On the NAT-T port, IKE messages carry a 4-byte non-ESP marker:
// it is removed on receive and added on send here, so the engine only sees
// IKE messages. ESP on the NAT-T port belongs to the kernel backend, which
// may read those sockets itself (KernelIpsec::ReadsEncapSockets).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::net {

// An IKE message as received: `local` is the address and port it was sent
// to, `remote` where it came from.
using IkeReceiver =
    std::function<void(ByteSpan message, const Endpoint& local, const Endpoint& remote)>;

// What the engine sends through. Implemented by IkeSockets; tests use a
// recording fake.
class PacketSender {
 public:
  virtual ~PacketSender() = default;
  // Sends an IKE message from `local` (address may be unspecified: the
  // routing table picks; the port picks the socket) to `remote`.
  virtual Status Send(ByteSpan message, const Endpoint& local, const Endpoint& remote) = 0;
  // The source address the routing table picks for `remote`, for NAT
  // detection when the local address is not configured.
  virtual std::optional<IpAddress> SourceFor(const IpAddress& remote) = 0;
};

struct IkeSocketOptions {
  uint16_t port = 500;
  uint16_t nat_port = 4500;
  bool ipv4 = true;
  bool ipv6 = true;
};

class IkeSockets final : public PacketSender {
 public:
  IkeSockets(EventLoop& loop, kernel::KernelIpsec& kernel, IkeReceiver receiver);
  ~IkeSockets() override;
  IkeSockets(const IkeSockets&) = delete;
  IkeSockets& operator=(const IkeSockets&) = delete;

  // Opens and binds the sockets and hands them to the kernel backend. A
  // family the host lacks (no IPv6) is skipped with a log line; failing to
  // bind a port is an error naming it.
  Status Open(const IkeSocketOptions& options);
  void Close();

  Status Send(ByteSpan message, const Endpoint& local, const Endpoint& remote) override;
  std::optional<IpAddress> SourceFor(const IpAddress& remote) override;

  uint16_t port() const { return options_.port; }
  uint16_t nat_port() const { return options_.nat_port; }

  // Called for a datagram read by the kernel backend on a NAT-T socket
  // (marker already removed). Public so the backend's handler can call it.
  void Deliver(ByteSpan message, const Endpoint& local, const Endpoint& remote);

 private:
  struct Socket {
    int fd = -1;
    int family = 0;
    uint16_t port = 0;
  };

  Status OpenOne(int family, uint16_t port);
  void ReadReady(const Socket& s);
  const Socket* Find(int family, uint16_t port) const;

  EventLoop& loop_;
  kernel::KernelIpsec& kernel_;
  IkeReceiver receiver_;
  IkeSocketOptions options_;
  std::vector<Socket> sockets_;
  Bytes rx_buffer_;
};

}  // namespace ikevpn::net
