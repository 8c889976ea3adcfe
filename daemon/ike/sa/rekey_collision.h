// Simultaneous rekeys (RFC 7296 §2.8.1, §2.8.2): both peers rekey the same
// CHILD_SA or IKE SA at once and two successors come into being. The one
// created by the exchange holding the lowest of the four nonces is
// redundant; whoever initiated that exchange deletes it, and whoever
// initiated the other one deletes the old SA.
//
// The responder of the peer's rekey, while its own rekey of the same SA is
// outstanding, notes the peer's exchange here (on the old SA); its own
// exchange decides when it finishes, or adopts the peer's successor if it
// fails.
#pragma once

#include <algorithm>
#include <cstdint>

#include "daemon/base/bytes.h"

namespace ikevpn::ike {

struct PeerRekey {
  Bytes ni;              // the peer's nonce (it initiated that exchange)
  Bytes nr;              // ours, as its responder
  uint64_t created = 0;  // the CHILD_SA or IKE_SA id that exchange created
};

// §2.8.1: "lowest" is an octet-by-octet comparison; a nonce that is a
// prefix of the other is the lower one (lexicographical_compare's order).
inline bool NonceLess(ByteSpan a, ByteSpan b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

// True if our exchange (nonces ni, nr) holds the lowest of the four nonces,
// i.e. the successor our exchange created is the redundant one.
inline bool OurRekeyLoses(ByteSpan ni, ByteSpan nr, const PeerRekey& peer) {
  ByteSpan ours = NonceLess(ni, nr) ? ni : nr;
  ByteSpan theirs = NonceLess(peer.ni, peer.nr) ? ByteSpan(peer.ni) : ByteSpan(peer.nr);
  return NonceLess(ours, theirs);
}

}  // namespace ikevpn::ike
