#include "daemon/kernel/xfrm/xfrm_policy_messages.h"

#include <linux/xfrm.h>

#include <string>

#include "daemon/kernel/xfrm/xfrm_types.h"

namespace ikevpn::kernel::xfrm {

namespace {

Result<xfrm_selector> PolicySelector(const PolicyId& id) {
  auto sel = ToSelector(id.src, id.dst);
  if (!sel.ok()) return sel.status().Annotate(DescribePolicy(id));
  return sel;
}

void PutMarkAndIfId(NlBuilder& b, const PolicyId& id) {
  if (id.mark_mask != 0) b.AttrStruct(XFRMA_MARK, xfrm_mark{id.mark, id.mark_mask});
  if (id.if_id != 0) b.AttrU32(XFRMA_IF_ID, id.if_id);
}

std::optional<PolicyDir> FromXfrmDir(uint8_t dir) {
  switch (dir) {
    case XFRM_POLICY_IN: return PolicyDir::kIn;
    case XFRM_POLICY_OUT: return PolicyDir::kOut;
    case XFRM_POLICY_FWD: return PolicyDir::kFwd;
    default: return std::nullopt;
  }
}

Status Malformed(std::string_view what) {
  return Status(Code::kDrop, "malformed xfrm policy message: " + std::string(what));
}

}  // namespace

std::string DescribePolicy(const PolicyId& id) {
  static constexpr std::string_view kDirs[] = {"in", "out", "fwd"};
  return "policy " + Normalized(id.src).ToString() + " -> " + Normalized(id.dst).ToString() +
         " dir " + std::string(kDirs[static_cast<int>(id.dir)]) + " if_id " +
         std::to_string(id.if_id);
}

uint8_t ToXfrmDir(PolicyDir dir) {
  switch (dir) {
    case PolicyDir::kIn: return XFRM_POLICY_IN;
    case PolicyDir::kOut: return XFRM_POLICY_OUT;
    case PolicyDir::kFwd: return XFRM_POLICY_FWD;
  }
  return XFRM_POLICY_OUT;
}

Result<NlMessage> BuildAddPolicy(const PolicyId& id, const PolicyData& data, bool update) {
  IKEVPN_ASSIGN_OR_RETURN(xfrm_selector sel, PolicySelector(id));
  xfrm_userpolicy_info p{};
  p.sel = sel;
  p.lft = UnlimitedLifetimeCfg();
  p.priority = data.priority;
  p.dir = ToXfrmDir(id.dir);
  p.action = data.action == PolicyAction::kBlock ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
  p.share = XFRM_SHARE_ANY;

  NlBuilder b(update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY, NLM_F_REQUEST | NLM_F_ACK);
  b.Struct(p);
  if (data.action == PolicyAction::kIpsec) {
    xfrm_user_tmpl t{};
    t.id.proto = IPPROTO_ESP;
    t.reqid = data.reqid;
    t.mode = data.mode == IpsecMode::kTunnel ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
    t.share = XFRM_SHARE_ANY;
    t.aalgos = t.ealgos = t.calgos = ~0u;
    t.family = sel.family;
    if (data.mode == IpsecMode::kTunnel) {
      if (data.tmpl_src.is_none() || data.tmpl_src.family() != data.tmpl_dst.family()) {
        return Status(Code::kInvalidArgument,
                      DescribePolicy(id) + ": tunnel endpoints must be one family");
      }
      t.family = static_cast<uint16_t>(data.tmpl_src.af());
      t.saddr = ToXfrmAddress(data.tmpl_src);
      t.id.daddr = ToXfrmAddress(data.tmpl_dst);
    }
    b.AttrStruct(XFRMA_TMPL, t);
  }
  PutMarkAndIfId(b, id);
  return std::move(b).Finish();
}

Result<NlMessage> BuildDeletePolicy(const PolicyId& id) {
  IKEVPN_ASSIGN_OR_RETURN(xfrm_selector sel, PolicySelector(id));
  xfrm_userpolicy_id p{};
  p.sel = sel;
  p.dir = ToXfrmDir(id.dir);
  NlBuilder b(XFRM_MSG_DELPOLICY, NLM_F_REQUEST | NLM_F_ACK);
  b.Struct(p);
  PutMarkAndIfId(b, id);
  return std::move(b).Finish();
}

NlMessage BuildPolicyDump() {
  NlBuilder b(XFRM_MSG_GETPOLICY, NLM_F_REQUEST | NLM_F_DUMP);
  b.Struct(xfrm_userpolicy_id{});
  return std::move(b).Finish();
}

Result<PolicyRecord> ParsePolicyRecord(const NlMessageView& msg) {
  if (msg.type != XFRM_MSG_NEWPOLICY && msg.type != XFRM_MSG_UPDPOLICY) {
    return Malformed("type " + std::to_string(msg.type));
  }
  xfrm_userpolicy_info p;
  if (!ReadStruct(msg.payload, &p)) return Malformed("short xfrm_userpolicy_info");
  IKEVPN_ASSIGN_OR_RETURN(NlAttrs attrs, NlAttrs::Parse(AttrsAfter(msg.payload, sizeof p)));
  auto sel = FromSelector(p.sel);
  auto dir = FromXfrmDir(p.dir);
  if (!sel || !dir) return Malformed("selector family or direction");
  PolicyRecord r;
  r.index = p.index;
  r.id.src = sel->first;
  r.id.dst = sel->second;
  r.id.dir = *dir;
  attrs.GetU32(XFRMA_IF_ID, &r.id.if_id);
  xfrm_mark mark{};
  if (attrs.GetStruct(XFRMA_MARK, &mark)) {
    r.id.mark = mark.v;
    r.id.mark_mask = mark.m;
  }
  r.data.priority = p.priority;
  xfrm_user_tmpl t{};
  bool has_tmpl = attrs.GetStruct(XFRMA_TMPL, &t);
  r.data.action = p.action == XFRM_POLICY_BLOCK ? PolicyAction::kBlock
                  : has_tmpl                     ? PolicyAction::kIpsec
                                                 : PolicyAction::kBypass;
  if (has_tmpl) {
    r.data.reqid = t.reqid;
    r.data.mode = t.mode == XFRM_MODE_TUNNEL ? IpsecMode::kTunnel : IpsecMode::kTransport;
    if (r.data.mode == IpsecMode::kTunnel) {
      r.data.tmpl_src = FromXfrmAddress(t.saddr, t.family).value_or(IpAddress());
      r.data.tmpl_dst = FromXfrmAddress(t.id.daddr, t.family).value_or(IpAddress());
    }
  }
  return r;
}

std::vector<std::pair<PolicyId, PolicyData>> RouteBasedPolicies(uint32_t if_id, uint32_t reqid,
                                                                const IpAddress& local,
                                                                const IpAddress& remote,
                                                                uint32_t priority) {
  std::vector<std::pair<PolicyId, PolicyData>> out;
  for (auto family : {IpAddress::Family::kV4, IpAddress::Family::kV6}) {
    for (auto dir : {PolicyDir::kOut, PolicyDir::kIn, PolicyDir::kFwd}) {
      PolicyId id;
      id.src = id.dst = TrafficSelector::All(family);
      id.dir = dir;
      id.if_id = if_id;
      PolicyData d;
      d.priority = priority;
      d.reqid = reqid;
      bool out_dir = dir == PolicyDir::kOut;
      d.tmpl_src = out_dir ? local : remote;
      d.tmpl_dst = out_dir ? remote : local;
      out.emplace_back(id, d);
    }
  }
  return out;
}

}  // namespace ikevpn::kernel::xfrm
