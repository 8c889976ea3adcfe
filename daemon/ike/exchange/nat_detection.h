// NAT detection (RFC 7296 §2.23): the NAT_DETECTION_SOURCE_IP and
// NAT_DETECTION_DESTINATION_IP notifies of IKE_SA_INIT (and MOBIKE
// updates, RFC 4555 §3.5).
#pragma once

#include "daemon/base/ip_address.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// SHA-1(SPIi | SPIr | IP | Port).
Bytes NatDetectionHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e);

// Appends our two NAT_DETECTION notifies. With `fake_source` (forced UDP
// encapsulation) the source hash is random, so both sides see a NAT.
void AppendNatDetection(Payloads& out, uint64_t spi_i, uint64_t spi_r, const Endpoint& local,
                        const Endpoint& remote, bool fake_source, Rng& rng);

// Compares the peer's notifies with what we see; sets sa.nat_local /
// sa.nat_remote. Returns false if the peer sent none (no NAT-T support).
bool ProcessNatDetection(IkeSa& sa, const Message& m, const Endpoint& local, const Endpoint& remote);

// Every CHILD_SA of `sa` is UDP-encapsulated (backend or connection asks).
bool ForceEncap(Engine& engine, const IkeSa& sa);

// ProcessNatDetection on the message being processed (where it arrived and
// came from); with forced encapsulation we count as behind a NAT.
bool DetectNat(Engine& engine, IkeSa& sa, const Message& m);

// Appends our NAT_DETECTION notifies for the SA's current endpoints.
void AppendNatDetection(Engine& engine, const IkeSa& sa, Payloads& out);

}  // namespace ikevpn::ike
