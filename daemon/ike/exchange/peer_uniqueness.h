// One IKE_SA per peer identity on a responder (RFC 7296 §2.4).
//
// When a peer authenticates, its other IKE_SAs of the same connection with
// the same pair of identities go: with N(INITIAL_CONTACT) at once and
// silently (the peer says it has forgotten them); without it, on a
// `remote = %any` connection only, by an INFORMATIONAL Delete (a road
// warrior that reconnected from elsewhere replaces its old tunnel).
#pragma once

namespace ikevpn::ike {

class Engine;
class IkeSa;

void ReplaceOlderSas(Engine& engine, IkeSa& sa, bool initial_contact);

}  // namespace ikevpn::ike
