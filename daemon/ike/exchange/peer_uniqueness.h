// One IKE_SA per peer identity (RFC 7296 §2.4).
//
// When a peer authenticates to us (we are the IKE_AUTH responder), its
// older IKE_SAs of the same connection with the same pair of identities
// are replaced: reported down with api::DownCause::kReplaced. The
// responder calls ReplaceOlderSas at both stages of IKE_AUTH; which call
// acts, and how, is this table:
//
//   connection      INITIAL_CONTACT  when            the older IKE_SAs
//   remote = %any   yes              kAuthenticated  removed here, silently
//   remote = %any   no               kAuthenticated  deleted (INFORMATIONAL Delete)
//   other           yes              kChildMade      removed here, silently
//   other           no               -               stay
//
// - A road-warrior gateway (remote = %any) replaces before the new CHILD_SA
//   is made, so that the new IKE_SA can take the old one's lease (virtual
//   IP); without INITIAL_CONTACT too: a road warrior that reconnected from
//   elsewhere may still hold the old IKE_SA, and the Delete tells it.
// - Everyone else replaces only on INITIAL_CONTACT (two gateways may keep
//   parallel IKE_SAs on purpose), and only once the new CHILD_SA is made,
//   so the interface never goes down while traffic moves over. There only
//   IKE_SAs established in an earlier (whole) second count: when two peers
//   initiate to each other at the same time, both keep both rather than
//   each removing the one the other kept.
// - INITIAL_CONTACT says the peer holds no other IKE_SA with us (it
//   restarted): the older ones go without a Delete nobody would answer.
// - In both: an SA that is part of a rekey (replaced by its successor, or
//   the product of a crossing rekey not yet resolved) is left to the rekey.
#pragma once

#include <cstdint>
#include <optional>

namespace ikevpn::ike {

class Engine;
class IkeSa;

// The stage of the IKE_AUTH responder.
enum class ReplaceWhen : uint8_t {
  kAuthenticated,  // the peer's AUTH verified; the CHILD_SA not made yet
  kChildMade,      // the IKE_AUTH's CHILD_SA is installed (or was refused)
};

enum class ReplaceHow : uint8_t {
  kSilently,    // removed here (Engine::Destroy)
  kWithDelete,  // INFORMATIONAL Delete (Engine::StartDelete)
};

// The table above: how the older IKE_SAs go at stage `when`; nullopt: not
// at this stage.
std::optional<ReplaceHow> ReplacementAt(ReplaceWhen when, bool road_warrior_gateway, bool initial_contact);

// `fresh`: the IKE_SA the peer just authenticated; `initial_contact`: its
// IKE_AUTH request carried N(INITIAL_CONTACT).
void ReplaceOlderSas(Engine& engine, IkeSa& fresh, ReplaceWhen when, bool initial_contact);

}  // namespace ikevpn::ike
