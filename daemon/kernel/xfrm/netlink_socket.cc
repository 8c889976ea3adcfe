#include "daemon/kernel/xfrm/netlink_socket.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace ikevpn::kernel::xfrm {

namespace {

constexpr size_t kReceiveBuffer = 64 * 1024;

// The kernel's reason string from an extended ack, if any.
std::string ExtAckMessage(const NlMessageView& m, const nlmsgerr& e) {
  if (!(m.flags & NLM_F_ACK_TLVS)) return {};
  size_t fixed = sizeof(nlmsgerr);
  if (!(m.flags & NLM_F_CAPPED)) fixed += e.msg.nlmsg_len - sizeof(nlmsghdr);
  if (fixed > m.payload.size()) return {};
  auto attrs = NlAttrs::Parse(m.payload.subspan(fixed));
  if (!attrs.ok()) return {};
  auto text = attrs->Get(NLMSGERR_ATTR_MSG);
  if (!text || text->empty()) return {};
  std::string s(reinterpret_cast<const char*>(text->data()), text->size());
  s.resize(strnlen(s.c_str(), s.size()));
  return s;
}

}  // namespace

Status NetlinkErrorStatus(std::string_view what, int err, std::string_view kernel_msg) {
  Status s = ErrnoStatus(what, err);
  Code code = err == EINVAL ? Code::kInvalidArgument : s.code();
  std::string m = s.message();
  if (!kernel_msg.empty()) {
    m += " (kernel: ";
    m += kernel_msg;
    m += ")";
  }
  return Status(code, std::move(m));
}

NetlinkSocket::~NetlinkSocket() {
  if (fd_ >= 0) close(fd_);
}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), seq_(other.seq_), timeout_(other.timeout_) {}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    seq_ = other.seq_;
    timeout_ = other.timeout_;
  }
  return *this;
}

Result<NetlinkSocket> NetlinkSocket::Open(int protocol, const std::vector<uint32_t>& groups) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
  if (fd < 0) return ErrnoStatus("netlink socket(" + std::to_string(protocol) + ")", errno);
  NetlinkSocket sock(fd);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    return ErrnoStatus("bind netlink socket", errno);
  }
  int one = 1;
  // Both are optional comforts; old kernels lack them.
  (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  (void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  for (uint32_t g : groups) {
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof g) < 0) {
      return ErrnoStatus("join netlink group " + std::to_string(g), errno);
    }
  }
  return sock;
}

Status NetlinkSocket::ReceiveWithin(std::chrono::steady_clock::time_point deadline,
                                    SecretBytes* out, std::string_view what) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) left = std::chrono::milliseconds(0);
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ErrnoStatus(std::string(what) + ": poll", errno);
    if (r == 0) {
      return Status(Code::kRetry, std::string(what) + ": no answer from the kernel within " +
                                      std::to_string(timeout_.count()) + " ms");
    }
    *out = SecretBytes(kReceiveBuffer);
    ssize_t n = recv(fd_, out->data(), out->size(), MSG_TRUNC);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ErrnoStatus(std::string(what) + ": recv", errno);
    if (static_cast<size_t>(n) > kReceiveBuffer) {
      return Status(Code::kInternal, std::string(what) + ": netlink answer of " +
                                         std::to_string(n) + " bytes truncated");
    }
    out->Resize(static_cast<size_t>(n));
    return Status::Ok();
  }
}

Result<NetlinkSocket::Answer> NetlinkSocket::Request(const NlMessage& request,
                                                     std::string_view what) {
  nlmsghdr hdr;
  if (!ReadStruct(request.span(), &hdr)) {
    return Status(Code::kInternal, std::string(what) + ": request shorter than nlmsghdr");
  }
  uint32_t seq = ++seq_;
  NlMessage copy = request;
  std::memcpy(copy.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd_, copy.data(), copy.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
             sizeof kernel) < 0) {
    return ErrnoStatus(std::string(what) + ": send", errno);
  }
  const bool dump = (hdr.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
  const bool ack = hdr.nlmsg_flags & NLM_F_ACK;
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  Answer answer;
  for (;;) {
    SecretBytes buf;
    IKEVPN_RETURN_IF_ERROR(ReceiveWithin(deadline, &buf, what));
    answer.buffers.push_back(std::move(buf));
    auto split = SplitNlMessages(answer.buffers.back().span());
    if (!split.ok()) return split.status().Annotate(what);
    for (const NlMessageView& m : *split) {
      if (m.seq != seq) continue;  // a late answer to an earlier, timed-out request
      if (m.type == NLMSG_ERROR) {
        nlmsgerr e{};
        if (!ReadStruct(m.payload, &e)) return Status(Code::kInternal, "short NLMSG_ERROR");
        if (e.error == 0) return answer;
        return NetlinkErrorStatus(what, -e.error, ExtAckMessage(m, e));
      }
      if (m.type == NLMSG_DONE) {
        int err = 0;
        if (ReadStruct(m.payload, &err) && err < 0) return NetlinkErrorStatus(what, -err, {});
        return answer;
      }
      answer.messages.push_back(m);
      if (!dump && !ack) return answer;
    }
  }
}

Status NetlinkSocket::Ack(const NlMessage& request, std::string_view what) {
  return Request(request, what).status();
}

Result<Bytes> NetlinkSocket::ReceiveDatagram() {
  Bytes buf(kReceiveBuffer);
  for (;;) {
    ssize_t n = recv(fd_, buf.data(), buf.size(), MSG_TRUNC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return Status(Code::kRetry, "no netlink event pending");
    if (n < 0 && errno == ENOBUFS) {
      return Status(Code::kDrop, "netlink events lost: receive buffer overrun (ENOBUFS)");
    }
    if (n < 0) return ErrnoStatus("receive netlink event", errno);
    if (static_cast<size_t>(n) > buf.size()) {
      return Status(Code::kDrop, "netlink event of " + std::to_string(n) + " bytes truncated");
    }
    buf.resize(static_cast<size_t>(n));
    return buf;
  }
}

}  // namespace ikevpn::kernel::xfrm
