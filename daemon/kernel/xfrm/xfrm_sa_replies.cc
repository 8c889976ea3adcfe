#include "daemon/kernel/xfrm/xfrm_sa_replies.h"

#include <arpa/inet.h>
#include <linux/xfrm.h>

#include <array>
#include <string>

#include "daemon/kernel/xfrm/xfrm_types.h"

namespace ikevpn::kernel::xfrm {

namespace {

Status Malformed(std::string_view what) {
  return Status(Code::kDrop, "malformed xfrm SA message: " + std::string(what));
}

struct ParsedSa {
  xfrm_usersa_info info{};
  NlAttrs attrs;
};

Result<ParsedSa> ParseSa(const NlMessageView& msg) {
  if (msg.type != XFRM_MSG_NEWSA && msg.type != XFRM_MSG_UPDSA) {
    return Malformed("type " + std::to_string(msg.type) + " is not NEWSA");
  }
  ParsedSa p;
  if (!ReadStruct(msg.payload, &p.info)) return Malformed("short xfrm_usersa_info");
  IKEVPN_ASSIGN_OR_RETURN(p.attrs, NlAttrs::Parse(AttrsAfter(msg.payload, sizeof p.info)));
  return p;
}

bool IsHostSelectorFor(const xfrm_selector& sel, const xfrm_address_t& s, const xfrm_address_t& d,
                       uint16_t family) {
  uint8_t full = family == AF_INET ? 32 : 128;
  return sel.family == family && sel.prefixlen_s == full && sel.prefixlen_d == full &&
         std::memcmp(&sel.saddr, &s, sizeof s) == 0 && std::memcmp(&sel.daddr, &d, sizeof d) == 0;
}

// Attributes of a dumped SA that NEWSA takes back unchanged.
constexpr std::array<uint16_t, 11> kCarriedAttrs = {
    XFRMA_ALG_AEAD,   XFRMA_ALG_CRYPT,  XFRMA_ALG_AUTH_TRUNC,  XFRMA_ALG_COMP,
    XFRMA_MARK,       XFRMA_IF_ID,      XFRMA_REPLAY_ESN_VAL,  XFRMA_REPLAY_VAL,
    XFRMA_LTIME_VAL,  XFRMA_TFCPAD,     XFRMA_SA_EXTRA_FLAGS,
};

}  // namespace

Result<uint32_t> ParseAllocSpiReply(const NlMessageView& msg) {
  IKEVPN_ASSIGN_OR_RETURN(ParsedSa p, ParseSa(msg));
  uint32_t spi = ntohl(p.info.id.spi);
  if (spi == 0) return Malformed("ALLOCSPI answer without SPI");
  return spi;
}

Result<SaRecord> ParseSaRecord(const NlMessageView& msg) {
  IKEVPN_ASSIGN_OR_RETURN(ParsedSa p, ParseSa(msg));
  auto src = FromXfrmAddress(p.info.saddr, p.info.family);
  auto dst = FromXfrmAddress(p.info.id.daddr, p.info.family);
  if (!src || !dst) return Malformed("family " + std::to_string(p.info.family));
  SaRecord r;
  r.id.src = *src;
  r.id.dst = *dst;
  r.id.spi = ntohl(p.info.id.spi);
  r.id.proto = FromIpProto(p.info.id.proto);
  p.attrs.GetU32(XFRMA_IF_ID, &r.id.if_id);
  xfrm_mark mark{};
  if (p.attrs.GetStruct(XFRMA_MARK, &mark)) {
    r.id.mark = mark.v;
    r.id.mark_mask = mark.m;
  }
  r.reqid = p.info.reqid;
  r.larval = !p.attrs.Has(XFRMA_ALG_AEAD) && !p.attrs.Has(XFRMA_ALG_CRYPT) &&
             !p.attrs.Has(XFRMA_ALG_AUTH) && !p.attrs.Has(XFRMA_ALG_AUTH_TRUNC);
  return r;
}

Result<SaStats> ParseSaStats(const NlMessageView& msg) {
  IKEVPN_ASSIGN_OR_RETURN(ParsedSa p, ParseSa(msg));
  SaStats s;
  s.bytes = p.info.curlft.bytes;
  s.packets = p.info.curlft.packets;
  uint64_t last = 0;
  if (p.attrs.GetStruct(XFRMA_LASTUSED, &last)) s.last_use = static_cast<int64_t>(last);
  s.replay_drops = uint64_t{p.info.stats.replay} + p.info.stats.replay_window;
  s.auth_failures = p.info.stats.integrity_failed;
  return s;
}

std::optional<UdpEncap> ParseSaEncap(const NlMessageView& msg) {
  auto p = ParseSa(msg);
  xfrm_encap_tmpl e{};
  if (!p.ok() || !p->attrs.GetStruct(XFRMA_ENCAP, &e)) return std::nullopt;
  return UdpEncap{ntohs(e.encap_sport), ntohs(e.encap_dport)};
}

Result<NlMessage> BuildMovedSa(const NlMessageView& current, const IpAddress& new_src,
                               const IpAddress& new_dst, const std::optional<UdpEncap>& encap) {
  IKEVPN_ASSIGN_OR_RETURN(ParsedSa p, ParseSa(current));
  if (new_src.is_none() || new_src.family() != new_dst.family()) {
    return Status(Code::kInvalidArgument, "new SA addresses must be one family");
  }
  xfrm_usersa_info info = p.info;
  xfrm_address_t s = ToXfrmAddress(new_src), d = ToXfrmAddress(new_dst);
  if (info.mode == XFRM_MODE_TRANSPORT &&
      IsHostSelectorFor(info.sel, info.saddr, info.id.daddr, info.family)) {
    info.sel.family = static_cast<uint16_t>(new_src.af());
    info.sel.saddr = s;
    info.sel.daddr = d;
    info.sel.prefixlen_s = info.sel.prefixlen_d = new_src.is_v4() ? 32 : 128;
  }
  info.saddr = s;
  info.id.daddr = d;
  info.family = static_cast<uint16_t>(new_src.af());
  // Counters and statistics are the kernel's; XFRMA_LTIME_VAL carries them.
  info.curlft = {};
  info.stats = {};

  NlBuilder b(XFRM_MSG_NEWSA, NLM_F_REQUEST | NLM_F_ACK);
  b.Struct(info);
  bool has_trunc = p.attrs.Has(XFRMA_ALG_AUTH_TRUNC);
  for (const auto& [type, payload] : p.attrs.all()) {
    bool carried = false;
    for (uint16_t t : kCarriedAttrs) carried = carried || t == type;
    // Old kernels report only XFRMA_ALG_AUTH; new ones both (prefer TRUNC).
    if (type == XFRMA_ALG_AUTH && !has_trunc) carried = true;
    if (carried) b.Attr(type, payload);
  }
  if (encap) {
    b.AttrStruct(XFRMA_ENCAP, ToEncapTmpl(*encap));
  }
  return std::move(b).Finish();
}

}  // namespace ikevpn::kernel::xfrm
