// What NAT traversal (RFC 7296 §2.23, RFC 3948) found and decided for one
// IKE_SA. Two facts that must not be confused:
//
//  - NatSeen: where NAT detection saw a NAT, from comparing the
//    NAT_DETECTION hashes with the addresses the packets really carried.
//    This is what users (ikevpnctl "(NAT)", D-Bus NatLocal/NatRemote), logs
//    and address inertia (behind_nat) are told.
//  - NatTraversal::udp_encap(): whether ESP goes in UDP on the NAT-T port.
//    A NAT is one reason; forced encapsulation (ours, or the peer's) is
//    another, with no NAT anywhere. CHILD_SAs, the move of IKE to port 4500
//    and NAT keepalives follow this one.
//
// Keepalives. RFC 3948 §4 gives NAT keepalives one purpose, keeping a NAT's
// mapping alive, and RFC 3947 §3.2 has them sent by the peer behind the NAT.
// Forced encapsulation without a NAT does not need them for that. They are
// still sent for every UDP-encapsulated SA (what the userspace backend does;
// one byte per idle peer and interval): forcing encapsulation is mostly done
// because a firewall passes only UDP, and such a firewall's UDP state times
// out exactly like a NAT mapping. A peer ignores them (RFC 3948 §2.3).
#pragma once

namespace ikevpn::ike {

// Which of the two addresses a NAT rewrote on the way (RFC 7296 §2.23).
struct NatSeen {
  // Ours: the peer's NAT_DETECTION_DESTINATION_IP did not match where its
  // packet was sent to. We are behind a NAT.
  bool local = false;
  // The peer's: none of its NAT_DETECTION_SOURCE_IP matched where its packet
  // came from (nor the forced-encapsulation hash of that address). The peer
  // is behind a NAT, or forces encapsulation in a way we cannot recognise.
  bool remote = false;

  bool any() const { return local || remote; }
  bool operator==(const NatSeen&) const = default;
};

struct NatTraversal {
  NatSeen seen;
  // We force UDP encapsulation (encap = force, or the backend can do only
  // ESP in UDP) and told the peer so with our source hash.
  bool forced_here = false;
  // The peer's source hash was the forced-encapsulation hash of the address
  // it came from (nat_detection.h): it forces encapsulation, no NAT between.
  bool forced_by_peer = false;

  // ESP of this IKE_SA's CHILD_SAs is UDP-encapsulated (RFC 3948): "if a NAT
  // is detected, both devices MUST use UDP encapsulation for ESP" (§2.23),
  // and either side may choose it on its own.
  bool udp_encap() const { return seen.any() || forced_here || forced_by_peer; }
};

}  // namespace ikevpn::ike
