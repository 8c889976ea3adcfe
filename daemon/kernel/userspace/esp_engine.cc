#include "daemon/kernel/userspace/esp_engine.h"

#include "daemon/kernel/userspace/inner_packet.h"

namespace ikevpn::kernel::userspace {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

bool Over(const Lifetime& limit, uint64_t bytes, uint64_t packets) {
  return (limit.bytes && bytes >= limit.bytes) || (limit.packets && packets >= limit.packets);
}

}  // namespace

ByteSpan IvPool::Take(size_t n) {
  if (used_ + n > pool_.size()) {
    rng_.Fill(pool_);
    used_ = 0;
  }
  ByteSpan out{pool_.data() + used_, n};
  used_ += n;
  return out;
}

void EspEngine::ExpireSoft(SaEntry& sa) {
  if (!sa.soft_fired.load(kRelaxed) && !sa.soft_fired.exchange(true)) {
    sink_.OnLimit(sa.serial, ExpireKind::kSoft);
  }
}

void EspEngine::ExpireHard(SaEntry& sa) {
  if (!sa.expired.exchange(true)) {
    sa.soft_fired.store(true);
    sink_.OnLimit(sa.serial, ExpireKind::kHard);
  }
}

void EspEngine::Account(SaEntry& sa, size_t bytes, int64_t now) {
  uint64_t total_bytes = sa.counters.bytes.fetch_add(bytes, kRelaxed) + bytes;
  uint64_t total_packets = sa.counters.packets.fetch_add(1, kRelaxed) + 1;
  if (sa.counters.last_use.load(kRelaxed) != now) sa.counters.last_use.store(now, kRelaxed);
  if (Over(sa.hard, total_bytes, total_packets)) {
    ExpireHard(sa);
  } else if (Over(sa.soft, total_bytes, total_packets)) {
    ExpireSoft(sa);
  }
}

// RFC 4303 §3.1 outbound processing, tunnel mode.
EspError EspEngine::Encapsulate(const SaIndex& index, uint32_t if_id, int64_t now,
                                PacketBuffer& pkt, Endpoint* peer) {
  InnerPacket inner;
  if (ParseInnerPacket(pkt.span(), 0, &inner) != EspError::kOk) return Fail(EspError::kBadInner);
  pkt.length = inner.length;
  SaEntry* sa = index.FindOutbound(if_id, inner, now);
  if (!sa) return Fail(EspError::kNoSa);

  // §3.3.3: the counter must not cycle; rekey well before it would.
  uint64_t seq = sa->seq.fetch_add(1, kRelaxed) + 1;
  if (seq == 0 || seq > sa->seq_limits.hard) {
    ExpireHard(*sa);
    return Fail(EspError::kExpired);
  }
  if (seq >= sa->seq_limits.soft) ExpireSoft(*sa);

  // RFC 4106 §3.1 / RFC 7634 §2: the AEAD IV must be unique per key; the
  // sequence number is. CBC needs an unpredictable IV.
  uint8_t seq_iv[8];
  ByteSpan iv;
  if (sa->cipher->aead()) {
    StoreBe64(seq_iv, seq);
    iv = {seq_iv, sizeof seq_iv};
  } else {
    iv = ivs_.Take(sa->cipher->iv_size());
  }
  EspError e = EspSeal(*sa->cipher, {sa->id.spi, seq, sa->esn, iv}, pkt);
  if (e != EspError::kOk) return Fail(e);
  Account(*sa, inner.length, now);
  *peer = sa->peer;
  counters_.tx_packets.fetch_add(1, kRelaxed);
  return EspError::kOk;
}

// RFC 4303 §3.4 inbound processing: SA lookup, replay check, ICV, replay
// window update, decryption checks, then the selector check (RFC 4301 §5.2).
EspError EspEngine::Decapsulate(const SaIndex& index, const Endpoint& from, int64_t now,
                                PacketBuffer& pkt, uint32_t* if_id) {
  EspHeader header;
  if (!ParseEspHeader(pkt.span(), &header)) return Fail(EspError::kTooShort);
  SaEntry* sa = index.FindInbound(header.spi);
  if (!sa) return Fail(EspError::kNoSa);
  if (sa->expired.load(kRelaxed)) return Fail(EspError::kExpired);

  std::optional<uint64_t> seq = sa->replay.Check(header.seq_lo);
  if (!seq) {
    sa->counters.replay_drops.fetch_add(1, kRelaxed);
    return Fail(EspError::kReplay);
  }
  uint8_t next_header = 0;
  EspError e = EspOpen(*sa->cipher, *seq, sa->esn, pkt, &next_header);
  if (e == EspError::kAuthFailed) sa->counters.auth_failures.fetch_add(1, kRelaxed);
  if (e != EspError::kOk && e != EspError::kDummy) return Fail(e);
  // Authentic: only now may the window move.
  if (!sa->replay.Update(*seq)) {
    sa->counters.replay_drops.fetch_add(1, kRelaxed);
    return Fail(EspError::kReplay);
  }
  if (e == EspError::kDummy) return Fail(e);

  InnerPacket inner;
  e = ParseInnerPacket(pkt.span(), next_header, &inner);
  if (e != EspError::kOk) return Fail(e);
  if (!InboundAllowed(inner, sa->local_ts, sa->remote_ts)) return Fail(EspError::kPolicy);
  pkt.length = inner.length;  // drops TFC padding

  Account(*sa, inner.length, now);
  // The peer sends on this CHILD_SA: it has installed it, so our outbound
  // SA of it may take over from an older one (sa_entry.h).
  if (!sa->outbound_confirmed.load(kRelaxed)) {
    if (SaEntry* out = index.FindOutboundByReqid(sa->reqid)) {
      out->confirmed.store(true, kRelaxed);
      sa->outbound_confirmed.store(true, kRelaxed);
    }
  }
  if (!(from == sa->peer) && !sa->mapping_reported.load(kRelaxed) &&
      !sa->mapping_reported.exchange(true)) {
    sink_.OnMapping(sa->serial, from);
  }
  *if_id = sa->if_id;
  counters_.rx_packets.fetch_add(1, kRelaxed);
  return EspError::kOk;
}

}  // namespace ikevpn::kernel::userspace
