#include "daemon/kernel/userspace/sa_table.h"

#include <chrono>

#include "daemon/base/log.h"

namespace ikevpn::kernel::userspace {

namespace {

Result<std::unique_ptr<crypto::Cipher>> DefaultCipher(const crypto::CipherSpec& spec,
                                                      const SecretBytes& encr,
                                                      const SecretBytes& integ) {
  return crypto::Cipher::Create(spec, encr, integ);
}

Endpoint PeerOf(const SaId& id, bool inbound, const UdpEncap& encap) {
  return inbound ? Endpoint{id.src, encap.src_port} : Endpoint{id.dst, encap.dst_port};
}

}  // namespace

SaTable::SaTable(Timers& timers, Rng& rng, CipherFactory factory)
    : timers_(timers), rng_(rng), factory_(factory ? std::move(factory) : DefaultCipher) {}

SaTable::~SaTable() { Clear(); }

Result<uint32_t> SaTable::AllocateSpi() {
  // 2^32 - 256 values and far fewer in use: a few tries always suffice.
  for (int attempt = 0; attempt < 64; ++attempt) {
    uint32_t spi = rng_.U32();
    if (spi < kMinSpi || index_.inbound.count(spi) || larval_.count(spi)) continue;
    larval_[spi] = timers_.Schedule(kLarvalSpiTimeout, [this, spi] { larval_.erase(spi); });
    return spi;
  }
  return Status(Code::kRetry, "no free SPI found");
}

Status SaTable::Add(const SaId& id, const SaData& data) {
  if (data.mode != IpsecMode::kTunnel) {
    return Status(Code::kUnsupported, "userspace ESP supports tunnel mode only");
  }
  if (!data.encap) {
    return Status(Code::kUnsupported, "userspace ESP needs UDP encapsulation (NAT-T)");
  }
  if (id.proto != ike::ProtocolId::kEsp) return Status(Code::kUnsupported, "only ESP");
  if (id.spi < kMinSpi) return Status(Code::kInvalidArgument, "SPI below 256");
  if (entries_.count(KeyOf(id))) return Status(Code::kExists, "SA exists: " + id.ToString());
  if (data.inbound && index_.inbound.count(id.spi)) {
    return Status(Code::kExists, "inbound SPI in use: " + id.ToString());
  }
  crypto::CipherSpec spec{data.encr, data.encr_key_bits, data.integ};
  IKEVPN_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Cipher> cipher,
                          factory_(spec, data.encr_key, data.integ_key));

  auto sa = std::make_unique<SaEntry>(id, data, next_serial_++);
  sa->cipher = std::move(cipher);
  sa->peer = PeerOf(id, data.inbound, *data.encap);
  SaEntry* raw = sa.get();
  if (data.inbound) {
    auto larval = larval_.find(id.spi);
    if (larval != larval_.end()) {
      timers_.Cancel(larval->second);
      larval_.erase(larval);
    }
  }
  {
    ReaderLock::WriteGuard guard(lock_);
    entries_.emplace(KeyOf(id), std::move(sa));
    by_serial_[raw->serial] = raw;
    if (raw->inbound) {
      index_.inbound[raw->id.spi] = raw;
    } else {
      index_.AddOutbound(raw);
    }
  }
  ScheduleLifetimes(raw);
  IKEVPN_LOG(kKnl, kDebug) << "added " << (raw->inbound ? "inbound " : "outbound ")
                           << id.ToString();
  return Status::Ok();
}

Status SaTable::Update(const SaId& id, const IpAddress& new_src, const IpAddress& new_dst,
                       const std::optional<UdpEncap>& encap) {
  auto it = entries_.find(KeyOf(id));
  if (it == entries_.end()) return Status(Code::kNotFound, "no SA " + id.ToString());
  if (!encap) return Status(Code::kUnsupported, "userspace ESP needs UDP encapsulation");
  Key new_key{id.spi, new_dst};
  if (!(new_key == it->first) && entries_.count(new_key)) {
    return Status(Code::kExists, "SA exists at the new address");
  }
  std::unique_ptr<SaEntry> sa = std::move(it->second);
  {
    ReaderLock::WriteGuard guard(lock_);
    entries_.erase(it);
    sa->id.src = new_src;
    sa->id.dst = new_dst;
    sa->peer = PeerOf(sa->id, sa->inbound, *encap);
    sa->mapping_reported.store(false, std::memory_order_relaxed);
    entries_.emplace(new_key, std::move(sa));
  }
  return Status::Ok();
}

void SaTable::Unindex(SaEntry* sa) {
  if (sa->inbound) {
    auto it = index_.inbound.find(sa->id.spi);
    if (it != index_.inbound.end() && it->second == sa) index_.inbound.erase(it);
  } else {
    index_.RemoveOutbound(sa);
  }
}

Status SaTable::Delete(const SaId& id) {
  auto it = entries_.find(KeyOf(id));
  if (it == entries_.end()) return Status(Code::kNotFound, "no SA " + id.ToString());
  std::unique_ptr<SaEntry> sa = std::move(it->second);
  timers_.Cancel(sa->soft_timer);
  timers_.Cancel(sa->hard_timer);
  {
    ReaderLock::WriteGuard guard(lock_);
    Unindex(sa.get());
    by_serial_.erase(sa->serial);
    entries_.erase(it);
  }
  IKEVPN_LOG(kKnl, kDebug) << "deleted " << id.ToString();
  return Status::Ok();  // `sa` is freed here, after no worker can see it
}

Result<SaStats> SaTable::Query(const SaId& id) const {
  const SaEntry* sa = Find(id);
  if (!sa) return Status(Code::kNotFound, "no SA " + id.ToString());
  SaStats s;
  s.bytes = sa->counters.bytes.load(std::memory_order_relaxed);
  s.packets = sa->counters.packets.load(std::memory_order_relaxed);
  s.last_use = sa->counters.last_use.load(std::memory_order_relaxed);
  s.replay_drops = sa->counters.replay_drops.load(std::memory_order_relaxed);
  s.auth_failures = sa->counters.auth_failures.load(std::memory_order_relaxed);
  return s;
}

void SaTable::Clear() {
  for (auto& [key, sa] : entries_) {
    timers_.Cancel(sa->soft_timer);
    timers_.Cancel(sa->hard_timer);
  }
  for (auto& [spi, timer] : larval_) timers_.Cancel(timer);
  larval_.clear();
  ReaderLock::WriteGuard guard(lock_);
  index_.inbound.clear();
  index_.outbound.clear();
  index_.outbound_by_reqid.clear();
  by_serial_.clear();
  entries_.clear();
}

Status SaTable::AttachTun(uint32_t if_id, TunRef tun) {
  if (tun.fd < 0) return Status(Code::kInvalidArgument, "bad TUN fd");
  ReaderLock::WriteGuard guard(lock_);
  index_.tuns[if_id] = tun;
  return Status::Ok();
}

Status SaTable::DetachTun(uint32_t if_id) {
  ReaderLock::WriteGuard guard(lock_);
  if (!index_.tuns.erase(if_id)) return Status(Code::kNotFound, "no TUN for if_id");
  return Status::Ok();
}

void SaTable::SetSocket(int family, int fd) {
  ReaderLock::WriteGuard guard(lock_);
  (family == AF_INET ? index_.socket_v4 : index_.socket_v6) = fd;
}

SaEntry* SaTable::Find(const SaId& id) const {
  auto it = entries_.find(KeyOf(id));
  return it == entries_.end() ? nullptr : it->second.get();
}

void SaTable::ScheduleLifetimes(SaEntry* sa) {
  uint64_t serial = sa->serial;
  if (sa->soft.seconds) {
    sa->soft_timer = timers_.Schedule(std::chrono::seconds(sa->soft.seconds), [=, this] {
      ExpireByTime(serial, ExpireKind::kSoft);
    });
  }
  if (sa->hard.seconds) {
    sa->hard_timer = timers_.Schedule(std::chrono::seconds(sa->hard.seconds), [=, this] {
      ExpireByTime(serial, ExpireKind::kHard);
    });
  }
}

void SaTable::ExpireByTime(uint64_t serial, ExpireKind kind) {
  auto it = by_serial_.find(serial);
  if (it == by_serial_.end()) return;
  SaEntry& sa = *it->second;
  (kind == ExpireKind::kSoft ? sa.soft_timer : sa.hard_timer) = kNoTimer;
  std::atomic<bool>& flag = kind == ExpireKind::kSoft ? sa.soft_fired : sa.expired;
  if (flag.exchange(true)) return;  // a byte/packet limit got there first
  if (kind == ExpireKind::kHard) sa.soft_fired.store(true);
  Deliver(sa, kind);
}

void SaTable::ReportLimit(uint64_t serial, ExpireKind kind) {
  auto it = by_serial_.find(serial);
  if (it == by_serial_.end()) return;
  Deliver(*it->second, kind);
}

void SaTable::Deliver(const SaEntry& sa, ExpireKind kind) {
  IKEVPN_LOG(kKnl, kInfo) << (kind == ExpireKind::kSoft ? "soft" : "hard") << " expire of "
                          << sa.id.ToString();
  if (on_expire_) on_expire_(sa.id, sa.reqid, kind);
}

void SaTable::ForEach(const std::function<void(const SaEntry&)>& fn) const {
  for (const auto& [key, sa] : entries_) fn(*sa);
}

}  // namespace ikevpn::kernel::userspace
