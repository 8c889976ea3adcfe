// SaEntry: one SA (one direction) of the userspace backend, as the loop
// thread installs it and the datapath workers use it.
//
// Threading: fields below "config" are written only by the loop thread while
// it holds the SaTable's write lock, and read by workers under their read
// lock. The cipher, the replay window and the outbound sequence counter are
// used by exactly one worker (the inbound or the outbound one). Counters and
// flags are relaxed atomics that anyone may read.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "daemon/base/ip_address.h"
#include "daemon/base/timers.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/userspace/replay_window.h"

namespace ikevpn::kernel::userspace {

struct SaCounters {
  std::atomic<uint64_t> bytes{0};    // inner bytes
  std::atomic<uint64_t> packets{0};
  std::atomic<int64_t> last_use{0};  // wall seconds
  std::atomic<uint64_t> replay_drops{0};
  std::atomic<uint64_t> auth_failures{0};
};

struct SaEntry {
  SaEntry(const SaId& sa_id, const SaData& data, uint64_t serial_number)
      : id(sa_id),
        reqid(data.reqid),
        inbound(data.inbound),
        esn(data.esn),
        serial(serial_number),
        if_id(sa_id.if_id),
        local_ts(data.local_ts),
        remote_ts(data.remote_ts),
        soft(data.soft),
        hard(data.hard),
        replay(data.replay_window, data.esn),
        seq_limits(SeqLimits::For(data.esn)) {
    seq.store(data.initial_seq, std::memory_order_relaxed);
  }

  // --- config (loop thread writes under the write lock) ---
  SaId id;  // as installed; UpdateSa changes src/dst
  uint32_t reqid;
  bool inbound;
  bool esn;
  uint64_t serial;  // unique per SaTable; tells a re-added SA from the old one
  uint32_t if_id;
  // Outer peer: where outbound ESP-in-UDP goes. For inbound SAs, the address
  // and port packets are expected from (a change is reported as OnMapping).
  Endpoint peer;
  TrafficSelectors local_ts;
  TrafficSelectors remote_ts;
  Lifetime soft;
  Lifetime hard;

  // --- one worker's state ---
  std::unique_ptr<crypto::Cipher> cipher;
  ReplayWindow replay;           // inbound SAs
  std::atomic<uint64_t> seq{0};  // outbound SAs: last sequence number used
  SeqLimits seq_limits;

  // --- shared ---
  SaCounters counters;
  std::atomic<bool> soft_fired{false};
  std::atomic<bool> expired{false};  // hard expired: no longer used
  std::atomic<bool> mapping_reported{false};
  // Outbound, make-before-break after a rekey (RFC 7296 §2.8): the peer may
  // not have installed this SA's inbound twin yet when we do (we answered
  // its CREATE_CHILD_SA). An older outbound SA for the same packets is
  // preferred until this one is confirmed: our inbound SA of the same
  // CHILD_SA decrypted a packet (the peer switched), or kConfirmSeconds
  // passed since the datapath first considered it. The older one goes away
  // when the peer deletes it.
  std::atomic<bool> confirmed{false};
  std::atomic<int64_t> confirm_deadline{0};  // wall seconds; 0: not considered yet
  // Inbound: the outbound SA of this CHILD_SA was confirmed (no more lookups).
  std::atomic<bool> outbound_confirmed{false};

  // --- loop thread only ---
  TimerId soft_timer = kNoTimer;
  TimerId hard_timer = kNoTimer;
};

}  // namespace ikevpn::kernel::userspace
