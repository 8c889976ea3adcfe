// NAT detection (RFC 7296 §2.23): the NAT_DETECTION_SOURCE_IP and
// NAT_DETECTION_DESTINATION_IP notifies of IKE_SA_INIT (and MOBIKE
// updates, RFC 4555 §3.5).
//
// Forced UDP encapsulation. §2.23 lets each side choose encapsulation on its
// own: "Either side can decide whether or not to use UDP encapsulation for
// ESP irrespective of the choice made by the other side. However, if a NAT
// is detected, both devices MUST use UDP encapsulation for ESP." The way to
// make the peer encapsulate too is the source hash: "If none of the
// NAT_DETECTION_SOURCE_IP payload(s) received matches the expected value of
// the source IP and port found from the IP header of the packet containing
// the payload, it means that the system sending those payloads is behind a
// NAT". So with forced encapsulation we send a source hash that cannot
// match; the peer sees a NAT in front of us and encapsulates.
//
// That hash is not random but ForcedEncapHash() of our address: a peer that
// is ikevpn recognises it, encapsulates and still knows there is no NAT
// (NatTraversal::forced_by_peer). Any other peer sees a plain mismatch.
// Our own record of the NAT comes from the real comparison only: faking our
// hash never makes us believe we are behind a NAT.
#pragma once

#include "daemon/base/ip_address.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// SHA-1(SPIi | SPIr | IP | Port).
Bytes NatDetectionHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e);

// The source hash that forces encapsulation: SHA-1 over a fixed label and
// the same inputs, so it never equals NatDetectionHash() yet names `e`.
Bytes ForcedEncapHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e);

// Appends our two NAT_DETECTION notifies; with `force_encap` the source
// hash is ForcedEncapHash().
void AppendNatDetection(Payloads& out, uint64_t spi_i, uint64_t spi_r, const Endpoint& local,
                        const Endpoint& remote, bool force_encap);

// Compares the peer's notifies with the addresses the message carried
// (`local`: where it arrived, `remote`: where it came from); sets
// sa.natt.seen and sa.natt.forced_by_peer. Returns false, changing nothing,
// if the peer sent none (no NAT-T support).
bool ProcessNatDetection(IkeSa& sa, const Message& m, const Endpoint& local, const Endpoint& remote);

// Every CHILD_SA of `sa` is UDP-encapsulated (backend or connection asks).
bool ForceEncap(Engine& engine, const IkeSa& sa);

// ProcessNatDetection on the message being processed (where it arrived and
// came from), and records whether we force encapsulation.
bool DetectNat(Engine& engine, IkeSa& sa, const Message& m);

// Appends our NAT_DETECTION notifies for the SA's current endpoints.
void AppendNatDetection(Engine& engine, const IkeSa& sa, Payloads& out);

}  // namespace ikevpn::ike
