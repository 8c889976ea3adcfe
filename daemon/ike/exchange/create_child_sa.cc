// CREATE_CHILD_SA responder dispatch (RFC 7296 §1.3): a new CHILD_SA, a
// CHILD_SA rekey (N(REKEY_SA)) or an IKE SA rekey (SA with protocol IKE).
// The initiator sides are child_create.cc, child_rekey.cc and ike_rekey.cc.
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/create_child_sa.h"

namespace ikevpn::ike {

ResponderOutcome NotifyOnly(NotifyPayload notify) {
  ResponderOutcome out;
  out.payloads.push_back(std::move(notify));
  return out;
}

ResponderOutcome RespondCreateChildSa(Engine& engine, IkeSa& sa, const Message& m) {
  // §2.25.2: nothing new on an IKE SA we are deleting.
  if (sa.state() == IkeSaState::kDeleting) return NotifyOnly(MakeNotify(NotifyType::kTemporaryFailure));
  // HDR, SK {SA(IKE), Ni, KEi} -->
  const SaPayload* sai = m.Find<SaPayload>();
  if (sai && !sai->proposals.empty() && sai->proposals.front().protocol == ProtocolId::kIke)
    return RespondIkeRekey(engine, sa, m);
  // HDR, SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr} -->
  if (const NotifyPayload* rekey = m.FindNotify(NotifyType::kRekeySa)) return RespondChildRekey(engine, sa, m, *rekey);
  // HDR, SK {SA, Ni, [KEi], TSi, TSr} -->
  return RespondChildCreate(engine, sa, m);
}

}  // namespace ikevpn::ike
