// SaTable: the userspace backend's SA database, owned by the daemon's loop
// thread. It installs and removes SAs in the SaIndex that the datapath
// workers read (under the ReaderLock), allocates SPIs, answers queries from
// the per-SA counters and runs the time lifetimes on the loop's timers.
//
// Lifetimes (RFC 4301 §4.4.2.1): soft fires OnExpire(kSoft) once and the SA
// keeps working; hard fires OnExpire(kHard) once and the SA is no longer
// used (outbound skips it, inbound drops its packets) until DeleteSa removes
// it. Bytes and packets are counted by the workers, which report crossings
// through ReportLimit() on the loop; time limits are timers here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "daemon/base/rng.h"
#include "daemon/base/status.h"
#include "daemon/base/timers.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/userspace/reader_lock.h"
#include "daemon/kernel/userspace/sa_index.h"

namespace ikevpn::kernel::userspace {

// Larval SPIs from AllocateSpi that AddSa did not claim are released after this.
inline constexpr Duration kLarvalSpiTimeout = std::chrono::seconds(180);
// SPIs below this are reserved (RFC 4303 §2.1: 1-255 reserved by IANA).
inline constexpr uint32_t kMinSpi = 256;

class SaTable {
 public:
  using CipherFactory = std::function<Result<std::unique_ptr<crypto::Cipher>>(
      const crypto::CipherSpec&, const SecretBytes& encr_key, const SecretBytes& integ_key)>;
  using ExpireHandler = std::function<void(const SaId& id, uint32_t reqid, ExpireKind kind)>;

  // `factory` defaults to crypto::Cipher::Create. `timers` and `rng` must
  // outlive the table.
  SaTable(Timers& timers, Rng& rng, CipherFactory factory = {});
  ~SaTable();
  SaTable(const SaTable&) = delete;
  SaTable& operator=(const SaTable&) = delete;

  void SetExpireHandler(ExpireHandler handler) { on_expire_ = std::move(handler); }

  Result<uint32_t> AllocateSpi();
  // Needs UDP encapsulation (this backend carries ESP only in UDP).
  Status Add(const SaId& id, const SaData& data);
  Status Update(const SaId& id, const IpAddress& new_src, const IpAddress& new_dst,
                const std::optional<UdpEncap>& encap);
  Status Delete(const SaId& id);
  Result<SaStats> Query(const SaId& id) const;
  // Removes every SA (and forgets larval SPIs).
  void Clear();
  size_t size() const { return entries_.size(); }

  // TUN devices per if_id. The fd stays the caller's; after DetachTun
  // returns no worker touches it any more.
  Status AttachTun(uint32_t if_id, TunRef tun);
  Status DetachTun(uint32_t if_id);
  // The port-4500 sockets ESP goes out on (-1 to clear).
  void SetSocket(int family, int fd);

  // Loop thread: a worker saw the SA cross a byte/packet/sequence limit and
  // already set its flag. Delivers the event if the SA (same serial) is
  // still installed.
  void ReportLimit(uint64_t serial, ExpireKind kind);

  // Loop thread: the SA with this serial, if still installed.
  const SaEntry* FindBySerial(uint64_t serial) const {
    auto it = by_serial_.find(serial);
    return it == by_serial_.end() ? nullptr : it->second;
  }

  // Workers: read the index while holding a ReadGuard on lock().
  ReaderLock& lock() { return lock_; }
  const SaIndex& index() const { return index_; }

  // Loop thread: visits every installed SA.
  void ForEach(const std::function<void(const SaEntry&)>& fn) const;

 private:
  struct Key {
    uint32_t spi;
    IpAddress dst;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  static Key KeyOf(const SaId& id) { return {id.spi, id.dst}; }

  SaEntry* Find(const SaId& id) const;
  void ScheduleLifetimes(SaEntry* sa);
  void ExpireByTime(uint64_t serial, ExpireKind kind);
  void Deliver(const SaEntry& sa, ExpireKind kind);
  void Unindex(SaEntry* sa);

  Timers& timers_;
  Rng& rng_;
  CipherFactory factory_;
  ExpireHandler on_expire_;
  ReaderLock lock_;
  SaIndex index_;
  std::map<Key, std::unique_ptr<SaEntry>> entries_;
  std::unordered_map<uint64_t, SaEntry*> by_serial_;
  std::map<uint32_t, TimerId> larval_;  // allocated, not yet added
  uint64_t next_serial_ = 1;
};

}  // namespace ikevpn::kernel::userspace
