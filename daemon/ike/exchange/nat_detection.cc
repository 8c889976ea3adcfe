#include "daemon/ike/exchange/nat_detection.h"

#include "daemon/ike/crypto/hash.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/sa/ike_sa.h"

namespace ikevpn::ike {

namespace {

// Not an RFC value: ikevpn's own label, so that the forced hash of an
// address differs from its NAT detection hash (nat_detection.h).
constexpr std::string_view kForcedEncapLabel = "ikevpn: UDP encapsulation forced, no NAT";

Bytes Hash(std::string_view label, uint64_t spi_i, uint64_t spi_r, const Endpoint& e) {
  uint8_t spis[16];
  StoreBe64(spis, spi_i);
  StoreBe64(spis + 8, spi_r);
  uint8_t port[2];
  StoreBe16(port, e.port);
  const ByteSpan prefix(reinterpret_cast<const uint8_t*>(label.data()), label.size());
  auto h = crypto::Sha1({prefix, ByteSpan(spis, 16), e.address.bytes(), ByteSpan(port, 2)});
  return h.ok() ? std::move(h).value() : Bytes(kNatDetectionHashSize, 0);
}

}  // namespace

Bytes NatDetectionHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e) { return Hash({}, spi_i, spi_r, e); }

Bytes ForcedEncapHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e) {
  return Hash(kForcedEncapLabel, spi_i, spi_r, e);
}

void AppendNatDetection(Payloads& out, uint64_t spi_i, uint64_t spi_r, const Endpoint& local,
                        const Endpoint& remote, bool force_encap) {
  Bytes source = force_encap ? ForcedEncapHash(spi_i, spi_r, local) : NatDetectionHash(spi_i, spi_r, local);
  out.push_back(MakeNotify(NotifyType::kNatDetectionSourceIp, std::move(source)));
  out.push_back(MakeNotify(NotifyType::kNatDetectionDestinationIp, NatDetectionHash(spi_i, spi_r, remote)));
}

bool ProcessNatDetection(IkeSa& sa, const Message& m, const Endpoint& local, const Endpoint& remote) {
  auto sources = m.Notifies(NotifyType::kNatDetectionSourceIp);
  const NotifyPayload* dest = m.FindNotify(NotifyType::kNatDetectionDestinationIp);
  if (sources.empty() || !dest) return false;
  // The hashes use the SPIs of the message's own header (SPIr is zero in
  // an IKE_SA_INIT request).
  const uint64_t spi_i = m.header.spi_i, spi_r = m.header.spi_r;
  // The peer hashed what it sees as our address: a mismatch means a NAT
  // rewrote our address on the way (we are behind it).
  sa.natt.seen.local = dest->data != NatDetectionHash(spi_i, spi_r, local);
  // Any of the peer's source hashes matching where it came from: no NAT
  // there. Its forced hash of that address: no NAT either, but it wants ESP
  // in UDP.
  const Bytes plain = NatDetectionHash(spi_i, spi_r, remote);
  const Bytes forced = ForcedEncapHash(spi_i, spi_r, remote);
  bool match = false, forcing = false;
  for (const NotifyPayload* s : sources) {
    match |= s->data == plain;
    forcing |= s->data == forced;
  }
  sa.natt.seen.remote = !match && !forcing;
  sa.natt.forced_by_peer = forcing;
  return true;
}

bool ForceEncap(Engine& engine, const IkeSa& sa) {
  return engine.settings().force_encap || sa.connection().encap == config::Encap::kForce;
}

bool DetectNat(Engine& engine, IkeSa& sa, const Message& m) {
  sa.natt.forced_here = ForceEncap(engine, sa);
  return ProcessNatDetection(sa, m, engine.current_local(), engine.current_remote());
}

void AppendNatDetection(Engine& engine, const IkeSa& sa, Payloads& out) {
  AppendNatDetection(out, sa.spi_i, sa.spi_r, sa.local, sa.remote, ForceEncap(engine, sa));
}

}  // namespace ikevpn::ike
