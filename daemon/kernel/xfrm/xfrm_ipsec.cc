#include "daemon/kernel/xfrm/xfrm_ipsec.h"

#include <errno.h>

#include <string>
#include <type_traits>

#include "daemon/base/log.h"
#include "daemon/kernel/xfrm/ike_socket_options.h"
#include "daemon/kernel/xfrm/xfrm_sa_messages.h"

namespace ikevpn::kernel::xfrm {

namespace {

// EPROTONOSUPPORT on an SA request is the kernel without the ESP/AH type.
Status ExplainSaError(Status s) {
  if (s.code() == Code::kUnsupported && s.message().find("Protocol not supported") !=
                                            std::string::npos) {
    return Status(Code::kUnsupported,
                  s.message() + ": kernel lacks ESP (CONFIG_INET_ESP); use the userspace backend");
  }
  return s;
}

}  // namespace

XfrmIpsec::XfrmIpsec(XfrmOptions options, NetlinkSocket requests)
    : options_(options), requests_(std::move(requests)) {
  requests_.set_timeout(options_.request_timeout);
}

Result<std::unique_ptr<XfrmIpsec>> XfrmIpsec::Create(EventLoop* loop, XfrmOptions options) {
  IKEVPN_ASSIGN_OR_RETURN(NetlinkSocket sock, NetlinkSocket::Open(NETLINK_XFRM));
  std::unique_ptr<XfrmIpsec> x(new XfrmIpsec(options, std::move(sock)));
  if (loop != nullptr) {
    XfrmIpsec* raw = x.get();
    IKEVPN_ASSIGN_OR_RETURN(x->monitor_, XfrmMonitor::Start(*loop, [raw](const XfrmEvent& e) {
                              raw->HandleEvent(e);
                            }));
  }
  return x;
}

Status XfrmIpsec::CheckOwned(uint32_t if_id, std::string_view what) const {
  if (options_.owned_if_ids.Contains(if_id)) return Status::Ok();
  return Status(Code::kInvalidArgument,
                std::string(what) + ": if_id " + std::to_string(if_id) +
                    " is outside the daemon's if_id range " + options_.owned_if_ids.ToString());
}

Result<uint32_t> XfrmIpsec::AllocateSpi(const IpAddress& src, const IpAddress& dst,
                                        ike::ProtocolId proto) {
  std::string what = "allocate SPI for " + src.ToString() + "->" + dst.ToString();
  auto answer = requests_.Request(
      BuildAllocSpi(src, dst, proto, options_.spi_min, options_.spi_max), what);
  if (!answer.ok()) return answer.status();
  if (answer->messages.empty()) return Status(Code::kInternal, what + ": empty answer");
  IKEVPN_ASSIGN_OR_RETURN(uint32_t spi, ParseAllocSpiReply(answer->messages.front()));
  owned_.AddSa({src, dst, spi, proto}, /*larval=*/true);
  return spi;
}

Status XfrmIpsec::AddSa(const SaId& id, const SaData& data) {
  std::string what = "add SA " + id.ToString();
  IKEVPN_RETURN_IF_ERROR(CheckOwned(id.if_id, what));
  bool update = owned_.IsLarval(id);
  IKEVPN_ASSIGN_OR_RETURN(NlMessage msg, BuildAddSa(id, data, update));
  Status s = requests_.Ack(msg, what);
  if (!s.ok()) return ExplainSaError(s);
  owned_.AddSa(id, /*larval=*/false);
  IKEVPN_LOG(kKnl, kDebug) << "added SA " << id.ToString() << " reqid " << data.reqid;
  return Status::Ok();
}

Result<NetlinkSocket::Answer> XfrmIpsec::GetSa(const SaId& id) {
  auto answer = requests_.Request(BuildGetSa(id), "query SA " + id.ToString());
  if (!answer.ok()) return ExplainSaError(answer.status());
  if (answer->messages.empty()) {
    return Status(Code::kInternal, "query SA " + id.ToString() + ": empty answer");
  }
  return answer;
}

Status XfrmIpsec::UpdateSa(const SaId& id, const IpAddress& new_src, const IpAddress& new_dst,
                           const std::optional<UdpEncap>& encap) {
  std::string what = "move SA " + id.ToString() + " to " + new_src.ToString() + "->" +
                     new_dst.ToString();
  IKEVPN_RETURN_IF_ERROR(CheckOwned(id.if_id, what));
  IKEVPN_ASSIGN_OR_RETURN(NetlinkSocket::Answer current, GetSa(id));
  const NlMessageView& state = current.messages.front();
  IKEVPN_ASSIGN_OR_RETURN(NlMessage moved, BuildMovedSa(state, new_src, new_dst, encap));
  SaId moved_id = id;
  moved_id.src = new_src;
  moved_id.dst = new_dst;
  if (new_dst != id.dst) {
    // A new key (dst, spi): make before break.
    IKEVPN_RETURN_IF_ERROR(ExplainSaError(requests_.Ack(moved, what)));
    Status del = requests_.Ack(BuildDeleteSa(id), "delete moved SA " + id.ToString());
    if (!del.ok()) IKEVPN_LOG(kKnl, kWarn) << del.ToString();
  } else {
    // Same key: the old SA must go first. Put it back if the new one fails.
    IKEVPN_RETURN_IF_ERROR(requests_.Ack(BuildDeleteSa(id), what + ": delete old"));
    Status add = requests_.Ack(moved, what);
    if (!add.ok()) {
      owned_.RemoveSa(id);
      auto original = BuildMovedSa(state, id.src, id.dst, ParseSaEncap(state));
      Status back = original.ok() ? requests_.Ack(*original, "restore SA " + id.ToString())
                                  : original.status();
      if (back.ok()) owned_.AddSa(id, false);
      if (!back.ok()) IKEVPN_LOG(kKnl, kError) << back.ToString();
      return ExplainSaError(add);
    }
  }
  owned_.RemoveSa(id);
  owned_.AddSa(moved_id, false);
  IKEVPN_LOG(kKnl, kDebug) << "moved SA " << id.ToString() << " to " << moved_id.ToString();
  return Status::Ok();
}

Status XfrmIpsec::DeleteSa(const SaId& id) {
  owned_.RemoveSa(id);
  return ExplainSaError(requests_.Ack(BuildDeleteSa(id), "delete SA " + id.ToString()));
}

Result<SaStats> XfrmIpsec::QuerySa(const SaId& id) {
  IKEVPN_ASSIGN_OR_RETURN(NetlinkSocket::Answer answer, GetSa(id));
  return ParseSaStats(answer.messages.front());
}

Status XfrmIpsec::AddPolicy(const PolicyId& id, const PolicyData& data) {
  std::string what = "add " + DescribePolicy(id);
  IKEVPN_RETURN_IF_ERROR(CheckOwned(id.if_id, what));
  // Replace only our own; NEWPOLICY fails with kExists on a foreign one.
  IKEVPN_ASSIGN_OR_RETURN(NlMessage msg, BuildAddPolicy(id, data, owned_.HasPolicy(id)));
  IKEVPN_RETURN_IF_ERROR(requests_.Ack(msg, what));
  owned_.AddPolicy(id);
  return Status::Ok();
}

Status XfrmIpsec::DeletePolicy(const PolicyId& id) {
  std::string what = "delete " + DescribePolicy(id);
  IKEVPN_ASSIGN_OR_RETURN(NlMessage msg, BuildDeletePolicy(id));
  owned_.RemovePolicy(id);
  return requests_.Ack(msg, what);
}

Status XfrmIpsec::AttachIkeSocket(int fd, uint16_t port, IkeDatagramHandler /*ike_rx*/) {
  IKEVPN_ASSIGN_OR_RETURN(int family, SocketFamily(fd));
  IKEVPN_RETURN_IF_ERROR(SetIkeBypass(fd, family));
  if (port == ike::kNatTPort) IKEVPN_RETURN_IF_ERROR(SetEspInUdp(fd));
  return Status::Ok();
}

void XfrmIpsec::HandleEvent(const XfrmEvent& event) {
  std::visit(
      [this](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ExpireEvent>) {
          if (!options_.owned_if_ids.Contains(e.sa.if_id) && !owned_.HasSa(e.sa)) return;
          // A hard expire means the kernel has deleted the SA already.
          if (e.kind == ExpireKind::kHard) owned_.RemoveSa(e.sa);
          if (listener_) listener_->OnExpire(e.sa, e.reqid, e.kind);
        } else if constexpr (std::is_same_v<T, AcquireEvent>) {
          if (!options_.owned_if_ids.Contains(e.if_id)) return;
          if (listener_) listener_->OnAcquire(e.reqid, e.src, e.dst);
        } else if constexpr (std::is_same_v<T, MappingEvent>) {
          // MAPPING carries neither if_id nor mark: take them from our record.
          auto sa = owned_.FindSa(e.sa);
          if (!sa) return;
          if (listener_) listener_->OnMapping(*sa, e.new_remote);
        } else {
          IKEVPN_LOG(kKnl, kTrace) << "xfrm event type " << e.type << " ignored";
        }
      },
      event);
}

}  // namespace ikevpn::kernel::xfrm
