// The three responders behind RespondCreateChildSa (create_child_sa.cc),
// each in the file of its exchange kind.
#pragma once

#include "daemon/ike/exchange/responders.h"
#include "daemon/ike/sa/child_sa.h"

namespace ikevpn::ike {

// exchange/child_create.cc: a further CHILD_SA.
ResponderOutcome RespondChildCreate(Engine& engine, IkeSa& sa, const Message& request);
// exchange/child_rekey.cc: a CHILD_SA rekey, `rekey` being the N(REKEY_SA).
ResponderOutcome RespondChildRekey(Engine& engine, IkeSa& sa, const Message& request, const NotifyPayload& rekey);
// exchange/ike_rekey.cc: an IKE SA rekey (SA payload of protocol IKE).
ResponderOutcome RespondIkeRekey(Engine& engine, IkeSa& sa, const Message& request);

// exchange/child_rekey.cc: our rekey of `old` is overtaken by the peer's
// crossing one that we answered (§2.8.1): its successor stands, `old`
// becomes kRekeyed. False if there was none.
bool AdoptPeerRekey(Engine& engine, IkeSa& sa, ChildSa& old);

// exchange/child_rekey.cc: the peer deletes `c` (§2.8.1): if we rekey it
// too, the peer's rekey won; if it is the successor of the peer's crossing
// rekey, that one lost. Either way `c` goes quietly.
void OnPeerDeletesChild(Engine& engine, IkeSa& sa, ChildSa& c);

// exchange/ike_rekey.cc: the peer deletes IKE SA `sa`; if a crossing
// rekey of the peer created it, that rekey lost (§2.8.2).
void OnPeerDeletesIkeSa(Engine& engine, IkeSa& sa);

// A response made of one notify.
ResponderOutcome NotifyOnly(NotifyPayload notify);

}  // namespace ikevpn::ike
