// EspEngine: what a datapath worker does with one packet, without any I/O:
// find the SA, pick the sequence number and IV, seal or open, check replay
// and selectors, count, and report lifetime crossings. One engine per
// worker thread; the caller holds its ReaderLock slot while using `index`.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "daemon/base/ip_address.h"
#include "daemon/base/rng.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/userspace/esp_packet.h"
#include "daemon/kernel/userspace/packet_buffer.h"
#include "daemon/kernel/userspace/sa_index.h"

namespace ikevpn::kernel::userspace {

// Receives SA events found by workers. Called on a worker thread; the
// implementation hands them to the loop (UserspaceIpsec posts them).
class SaEventSink {
 public:
  virtual ~SaEventSink() = default;
  // The SA with this serial crossed a soft/hard byte, packet or sequence
  // number limit; its flag is already set. Called once per SA and kind.
  virtual void OnLimit(uint64_t serial, ExpireKind kind) = 0;
  // Authenticated ESP arrived from another outer address/port than the
  // SA's peer (a NAT rebinding). Called once until UpdateSa.
  virtual void OnMapping(uint64_t serial, const Endpoint& from) = 0;
};

// Datapath-wide counters (relaxed atomics; read for status and tests).
struct DatapathCounters {
  std::array<std::atomic<uint64_t>, static_cast<size_t>(EspError::kCount)> drops{};
  std::atomic<uint64_t> tx_packets{0};     // ESP packets sealed
  std::atomic<uint64_t> rx_packets{0};     // ESP packets delivered inward
  std::atomic<uint64_t> ike_rx{0};         // IKE datagrams handed to the loop
  std::atomic<uint64_t> ike_dropped{0};    // IKE datagrams dropped (queue full)
  std::atomic<uint64_t> keepalives_rx{0};  // NAT keepalives received
  std::atomic<uint64_t> keepalives_tx{0};
  std::atomic<uint64_t> send_dropped{0};   // sendmmsg/TUN write refused (overload)

  void CountDrop(EspError e) { drops[static_cast<size_t>(e)].fetch_add(1, std::memory_order_relaxed); }
  uint64_t Drops(EspError e) const { return drops[static_cast<size_t>(e)].load(std::memory_order_relaxed); }
};

// Random IVs for AES-CBC (RFC 3602 §3: unpredictable), drawn from the
// kernel CSPRNG a page at a time.
class IvPool {
 public:
  explicit IvPool(Rng& rng) : rng_(rng) {}
  ByteSpan Take(size_t n);

 private:
  Rng& rng_;
  std::array<uint8_t, 4096> pool_{};
  size_t used_ = sizeof(pool_);
};

class EspEngine {
 public:
  EspEngine(SaEventSink& sink, DatapathCounters& counters, Rng& iv_rng)
      : sink_(sink), counters_(counters), ivs_(iv_rng) {}

  // `pkt` holds an inner IP packet that the route sent into the interface
  // `if_id`. On kOk it holds the ESP packet and *peer where to send it.
  // Errors are counted in DatapathCounters.
  EspError Encapsulate(const SaIndex& index, uint32_t if_id, int64_t now, PacketBuffer& pkt,
                       Endpoint* peer);
  // `pkt` holds an ESP packet (the UDP payload) from `from`. On kOk it holds
  // the inner packet (TFC padding removed) and *if_id says which interface
  // it goes to.
  EspError Decapsulate(const SaIndex& index, const Endpoint& from, int64_t now, PacketBuffer& pkt,
                       uint32_t* if_id);

 private:
  EspError Fail(EspError e) {
    counters_.CountDrop(e);
    return e;
  }
  void Account(SaEntry& sa, size_t bytes, int64_t now);
  void ExpireHard(SaEntry& sa);
  void ExpireSoft(SaEntry& sa);

  SaEventSink& sink_;
  DatapathCounters& counters_;
  IvPool ivs_;
};

}  // namespace ikevpn::kernel::userspace
