// Proposal selection (RFC 7296 §2.7, §3.3.6).
//
// The responder walks the peer's proposals in the peer's order and takes the
// first one that every transform type can be satisfied from our own
// configuration; for each type it keeps the first peer transform we also
// allow. The initiator checks that the single proposal returned is one it
// offered. Everything here is pure.
#pragma once

#include <optional>

#include "daemon/base/status.h"
#include "daemon/ike/proposal.h"

namespace ikevpn::ike {

// The chosen algorithms of an SA, one per transform type.
struct ChosenAlgorithms {
  std::optional<Transform> encr;
  std::optional<Transform> prf;
  std::optional<Transform> integ;
  std::optional<Transform> ke;
  std::optional<Transform> esn;

  bool aead() const;
  KeId ke_id() const { return ke ? static_cast<KeId>(ke->id) : KeId::kNone; }
  // "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519" for status output.
  std::string ToString() const;
};

// Responder side. `theirs` are the peer's proposals; `ours` our acceptable
// ones (all of one protocol). On success the returned proposal carries the
// peer's proposal number and SPI and exactly one transform per type.
// Code::kNotFound when nothing matches (the caller answers NO_PROPOSAL_CHOSEN).
Result<Proposal> SelectProposal(const Proposals& ours, const Proposals& theirs);

// Initiator side: the responder's answer must be a single proposal with one
// transform per type, each of them present in the proposal of that number we
// sent. Code::kDrop (protocol violation) otherwise.
Status CheckSelectedProposal(const Proposals& offered, const Proposal& chosen);

// Splits a single-transform-per-type proposal into its parts.
ChosenAlgorithms Chosen(const Proposal& selected);

// The key exchange methods of `ours`, in preference order, without
// duplicates and without NONE (for INVALID_KE_PAYLOAD handling and for
// picking the KE payload of the first IKE_SA_INIT).
std::vector<KeId> KeMethods(const Proposals& ours);

// True if `ours` accepts `ke` (in any proposal).
bool AcceptsKe(const Proposals& ours, KeId ke);

// Moves `ke` to the front of each proposal's KE transforms (used after
// INVALID_KE_PAYLOAD, so the retry's first choice matches its KE payload).
Proposals PreferKe(Proposals ours, KeId ke);

}  // namespace ikevpn::ike
