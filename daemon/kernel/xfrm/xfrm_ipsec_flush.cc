// XfrmIpsec: dumps and FlushOwned (ownership, see owned_objects.h).
#include <string>

#include "daemon/base/log.h"
#include "daemon/kernel/xfrm/xfrm_ipsec.h"
#include "daemon/kernel/xfrm/xfrm_sa_messages.h"

namespace ikevpn::kernel::xfrm {

namespace {

// Sends a dump request and parses every answer with `parse`; answers that
// do not parse (other families, kernel extensions) are skipped.
template <typename Record>
Result<std::vector<Record>> Dump(NetlinkSocket& sock, const NlMessage& request,
                                 std::string_view what,
                                 Result<Record> (*parse)(const NlMessageView&)) {
  IKEVPN_ASSIGN_OR_RETURN(NetlinkSocket::Answer answer, sock.Request(request, what));
  std::vector<Record> out;
  for (const NlMessageView& m : answer.messages) {
    auto r = parse(m);
    if (r.ok()) out.push_back(std::move(*r));
    if (!r.ok()) IKEVPN_LOG(kKnl, kDebug) << what << ": " << r.status().ToString();
  }
  return out;
}

}  // namespace

Result<std::vector<PolicyRecord>> XfrmIpsec::DumpPolicies() {
  return Dump(requests_, BuildPolicyDump(), "dump xfrm policies", &ParsePolicyRecord);
}

Result<std::vector<SaRecord>> XfrmIpsec::DumpSas() {
  return Dump(requests_, BuildSaDump(), "dump xfrm SAs", &ParseSaRecord);
}

Status XfrmIpsec::FlushOwned() {
  Status first;
  auto note = [&first](Status s) {
    if (s.ok() || s.code() == Code::kNotFound) return;
    IKEVPN_LOG(kKnl, kError) << s.ToString();
    if (first.ok()) first = s;
  };
  int tracked = 0, leftovers = 0;
  for (const PolicyId& id : owned_.policies()) {
    note(DeletePolicy(id));
    ++tracked;
  }
  for (const SaId& id : owned_.sas()) {
    note(DeleteSa(id));
    ++tracked;
  }
  owned_.Clear();

  // Leftovers of a crashed run (or of anything the tracking missed).
  auto sweep = [&](auto dump, auto remove) {
    note(dump.status());
    if (!dump.ok()) return;
    for (const auto& record : *dump) {
      if (!options_.owned_if_ids.Contains(record.id.if_id)) continue;
      note(remove(record.id));
      ++leftovers;
    }
  };
  sweep(DumpPolicies(), [this](const PolicyId& id) { return DeletePolicy(id); });
  sweep(DumpSas(), [this](const SaId& id) { return DeleteSa(id); });
  if (tracked + leftovers > 0) {
    IKEVPN_LOG(kKnl, kInfo) << "xfrm: removed " << tracked << " installed objects and "
                            << leftovers << " leftovers with if_id in "
                            << options_.owned_if_ids.ToString();
  }
  return first;
}

}  // namespace ikevpn::kernel::xfrm
