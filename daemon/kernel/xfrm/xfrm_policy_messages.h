// Builders and the parser for the SPD requests of NETLINK_XFRM. Pure, like
// xfrm_sa_messages.h.
//
// Route-based connections install, per if_id, the policies
//   0.0.0.0/0 -> 0.0.0.0/0  dir out|in|fwd  if_id N  tmpl … reqid R
//   ::/0      -> ::/0       dir out|in|fwd  if_id N  tmpl … reqid R
// (policies are per family; one SA pair with XFRM_STATE_AF_UNSPEC carries
// both): see RouteBasedPolicies().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/base/status.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/xfrm/netlink_message.h"

namespace ikevpn::kernel::xfrm {

uint8_t ToXfrmDir(PolicyDir dir);
// "policy 0.0.0.0/0 -> 0.0.0.0/0 dir out if_id 7", for errors and logs.
std::string DescribePolicy(const PolicyId& id);

// XFRM_MSG_NEWPOLICY, or XFRM_MSG_UPDPOLICY when `update` (replace ours).
// kIpsec gets one XFRMA_TMPL (ESP, reqid, mode; tunnel endpoints in tunnel
// mode, any algorithms), kBypass is "allow" without a template, kBlock is
// "block". XFRMA_IF_ID when if_id != 0, XFRMA_MARK when mark_mask != 0.
// Lifetime limits are XFRM_INF.
Result<NlMessage> BuildAddPolicy(const PolicyId& id, const PolicyData& data, bool update);
// XFRM_MSG_DELPOLICY by selector, direction, if_id and mark.
Result<NlMessage> BuildDeletePolicy(const PolicyId& id);
// XFRM_MSG_GETPOLICY with NLM_F_DUMP.
NlMessage BuildPolicyDump();

struct PolicyRecord {
  PolicyId id;
  PolicyData data;
  uint32_t index = 0;
};

// One XFRM_MSG_NEWPOLICY of a dump (or an event).
Result<PolicyRecord> ParsePolicyRecord(const NlMessageView& msg);

// The six policies (v4 and v6; out, in, fwd) of a route-based connection on
// interface `if_id`, templates from `local` to `remote` (out) and back.
std::vector<std::pair<PolicyId, PolicyData>> RouteBasedPolicies(uint32_t if_id, uint32_t reqid,
                                                                const IpAddress& local,
                                                                const IpAddress& remote,
                                                                uint32_t priority);

}  // namespace ikevpn::kernel::xfrm
