// MOBIKE (RFC 4555): the IKE SA and its CHILD_SAs move to new addresses
// without a rekey. The original initiator (the mobile side, §3.1) decides
// which addresses are used and tells the responder with UPDATE_SA_ADDRESSES;
// the responder moves only on such an authenticated request.
#pragma once

#include <memory>

#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class Exchange;
class IkeSa;

// Both sides announced MOBIKE_SUPPORTED in IKE_AUTH (§3.2).
bool MobikeInUse(const IkeSa& sa);

// INFORMATIONAL {N(UPDATE_SA_ADDRESSES), N(NAT_DETECTION_*), N(COOKIE2)},
// sent from sa.local (already moved by the caller) to sa.remote.
std::unique_ptr<Exchange> MakeMobikeUpdate();

// Our addresses or routes changed (rtnetlink): every IKE SA we initiated
// with MOBIKE in use checks which source address now reaches its peer and,
// if that differs from the one it uses, moves there and sends
// UPDATE_SA_ADDRESSES. An update already under way is sent again from the
// new address (its retransmission count starts over), so a path that was
// broken gets another try on every further change.
void OnLocalAddressesChanged(Engine& engine);

// The responder's part of an INFORMATIONAL request (§3.5, §3.7, §3.8):
// echoes COOKIE2, answers NAT_DETECTION notifies with ours and, for a
// valid UPDATE_SA_ADDRESSES, moves the IKE SA to the addresses the
// request came from/to and every CHILD_SA with it. Appends to `out`.
void RespondMobike(Engine& engine, IkeSa& sa, const Message& request, Payloads& out);

// Moves every installed CHILD_SA of `sa` to the IKE SA's current endpoints
// (UDP-encapsulated if it was, or if ESP now goes in UDP: IkeSa::natt).
void MoveChildSas(Engine& engine, IkeSa& sa);

}  // namespace ikevpn::ike
