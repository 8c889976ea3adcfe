#include "daemon/ike/exchange/nat_detection.h"

#include "daemon/base/rng.h"
#include "daemon/ike/crypto/hash.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/sa/ike_sa.h"

namespace ikevpn::ike {

Bytes NatDetectionHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e) {
  uint8_t spis[16];
  StoreBe64(spis, spi_i);
  StoreBe64(spis + 8, spi_r);
  uint8_t port[2];
  StoreBe16(port, e.port);
  auto h = crypto::Sha1({ByteSpan(spis, 16), e.address.bytes(), ByteSpan(port, 2)});
  return h.ok() ? std::move(h).value() : Bytes(kNatDetectionHashSize, 0);
}

void AppendNatDetection(Payloads& out, uint64_t spi_i, uint64_t spi_r, const Endpoint& local,
                        const Endpoint& remote, bool fake_source, Rng& rng) {
  Bytes source = NatDetectionHash(spi_i, spi_r, local);
  if (fake_source) rng.Fill(source);
  out.push_back(MakeNotify(NotifyType::kNatDetectionSourceIp, std::move(source)));
  out.push_back(MakeNotify(NotifyType::kNatDetectionDestinationIp, NatDetectionHash(spi_i, spi_r, remote)));
}

bool ProcessNatDetection(IkeSa& sa, const Message& m, const Endpoint& local, const Endpoint& remote) {
  auto sources = m.Notifies(NotifyType::kNatDetectionSourceIp);
  const NotifyPayload* dest = m.FindNotify(NotifyType::kNatDetectionDestinationIp);
  if (sources.empty() || !dest) return false;
  // The peer hashed what it sees as our address: a mismatch means a NAT
  // rewrote our address on the way (we are behind it).
  // The hashes use the SPIs of the message's own header (SPIr is zero in
  // an IKE_SA_INIT request).
  const uint64_t spi_i = m.header.spi_i, spi_r = m.header.spi_r;
  sa.nat_local = dest->data != NatDetectionHash(spi_i, spi_r, local);
  // Any of the peer's source hashes matching where it came from: no NAT there.
  Bytes expected = NatDetectionHash(spi_i, spi_r, remote);
  bool match = false;
  for (const NotifyPayload* s : sources) match |= s->data == expected;
  sa.nat_remote = !match;
  return true;
}

bool ForceEncap(Engine& engine, const IkeSa& sa) {
  return engine.settings().force_encap || sa.connection().encap == config::Encap::kForce;
}

bool DetectNat(Engine& engine, IkeSa& sa, const Message& m) {
  const bool seen = ProcessNatDetection(sa, m, engine.current_local(), engine.current_remote());
  if (ForceEncap(engine, sa)) sa.nat_local = true;
  return seen;
}

void AppendNatDetection(Engine& engine, const IkeSa& sa, Payloads& out) {
  AppendNatDetection(out, sa.spi_i, sa.spi_r, sa.local, sa.remote, ForceEncap(engine, sa), engine.env().rng);
}

}  // namespace ikevpn::ike
