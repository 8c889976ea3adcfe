#include "daemon/kernel/xfrm/xfrm_events.h"

#include <arpa/inet.h>
#include <linux/xfrm.h>

#include <string>

#include "daemon/kernel/xfrm/xfrm_types.h"

namespace ikevpn::kernel::xfrm {

namespace {

Status Malformed(std::string_view type, std::string_view what) {
  return Status(Code::kDrop, "malformed xfrm " + std::string(type) + ": " + std::string(what));
}

void ReadMarkAndIfId(const NlAttrs& attrs, SaId* id) {
  attrs.GetU32(XFRMA_IF_ID, &id->if_id);
  xfrm_mark mark{};
  if (attrs.GetStruct(XFRMA_MARK, &mark)) {
    id->mark = mark.v;
    id->mark_mask = mark.m;
  }
}

Result<XfrmEvent> ParseExpire(const NlMessageView& msg) {
  xfrm_user_expire ue;
  if (!ReadStruct(msg.payload, &ue)) return Malformed("EXPIRE", "short xfrm_user_expire");
  IKEVPN_ASSIGN_OR_RETURN(NlAttrs attrs, NlAttrs::Parse(AttrsAfter(msg.payload, sizeof ue)));
  const xfrm_usersa_info& s = ue.state;
  auto src = FromXfrmAddress(s.saddr, s.family);
  auto dst = FromXfrmAddress(s.id.daddr, s.family);
  if (!src || !dst) return Malformed("EXPIRE", "family " + std::to_string(s.family));
  ExpireEvent e;
  e.sa.src = *src;
  e.sa.dst = *dst;
  e.sa.spi = ntohl(s.id.spi);
  e.sa.proto = FromIpProto(s.id.proto);
  ReadMarkAndIfId(attrs, &e.sa);
  e.reqid = s.reqid;
  e.kind = ue.hard ? ExpireKind::kHard : ExpireKind::kSoft;
  return XfrmEvent(e);
}

Result<XfrmEvent> ParseAcquire(const NlMessageView& msg) {
  xfrm_user_acquire ua;
  if (!ReadStruct(msg.payload, &ua)) return Malformed("ACQUIRE", "short xfrm_user_acquire");
  IKEVPN_ASSIGN_OR_RETURN(NlAttrs attrs, NlAttrs::Parse(AttrsAfter(msg.payload, sizeof ua)));
  xfrm_user_tmpl t;
  if (!attrs.GetStruct(XFRMA_TMPL, &t)) return Malformed("ACQUIRE", "no template");
  auto sel = FromSelector(ua.sel);
  if (!sel) return Malformed("ACQUIRE", "selector family " + std::to_string(ua.sel.family));
  AcquireEvent a;
  a.reqid = t.reqid;
  attrs.GetU32(XFRMA_IF_ID, &a.if_id);
  a.src = sel->first;
  a.dst = sel->second;
  return XfrmEvent(a);
}

Result<XfrmEvent> ParseMapping(const NlMessageView& msg) {
  xfrm_user_mapping um;
  if (!ReadStruct(msg.payload, &um)) return Malformed("MAPPING", "short xfrm_user_mapping");
  auto dst = FromXfrmAddress(um.id.daddr, um.id.family);
  auto old_src = FromXfrmAddress(um.old_saddr, um.id.family);
  auto new_src = FromXfrmAddress(um.new_saddr, um.id.family);
  if (!dst || !old_src || !new_src) {
    return Malformed("MAPPING", "family " + std::to_string(um.id.family));
  }
  MappingEvent m;
  m.sa.src = *old_src;
  m.sa.dst = *dst;
  m.sa.spi = ntohl(um.id.spi);
  m.sa.proto = FromIpProto(um.id.proto);
  m.reqid = um.reqid;
  m.old_remote = {*old_src, ntohs(um.old_sport)};
  m.new_remote = {*new_src, ntohs(um.new_sport)};
  return XfrmEvent(m);
}

}  // namespace

Result<XfrmEvent> ParseXfrmEvent(const NlMessageView& msg) {
  switch (msg.type) {
    case XFRM_MSG_EXPIRE: return ParseExpire(msg);
    case XFRM_MSG_ACQUIRE: return ParseAcquire(msg);
    case XFRM_MSG_MAPPING: return ParseMapping(msg);
    default: return XfrmEvent(OtherEvent{msg.type});
  }
}

}  // namespace ikevpn::kernel::xfrm
