// Helpers for the userspace ESP tests: inner packets, SA data with fixed
// keys, a transparent fake cipher that records what it was given, and a
// sink that records SA events.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/userspace/esp_engine.h"
#include "daemon/kernel/userspace/packet_buffer.h"

namespace ikevpn::kernel::userspace::testing {

// An IPv4 or IPv6 packet (by the address family) with a UDP header and
// `payload` bytes of pattern; protocol 17.
Bytes MakeUdpPacket(const std::string& src, const std::string& dst, uint16_t sport,
                    uint16_t dport, size_t payload);

// A buffer slot with a packet copied in at the standard headroom.
struct Slot {
  std::vector<uint8_t> storage = std::vector<uint8_t>(4096);
  PacketBuffer pkt;
  explicit Slot(ByteSpan packet = {});
  Bytes bytes() const { return Bytes(pkt.data(), pkt.data() + pkt.length); }
};

struct Algorithm {
  const char* name;
  ike::EncrId encr;
  uint16_t key_bits;
  ike::IntegId integ;
};
// Every ESP transform the backend supports.
std::vector<Algorithm> AllAlgorithms();

// SA data with deterministic keys derived from `seed` (same seed, same keys).
SaData MakeSaData(const Algorithm& alg, uint8_t seed, bool inbound, bool esn = false);
std::unique_ptr<crypto::Cipher> MakeCipher(const Algorithm& alg, uint8_t seed);

// Identity "encryption" with a checksum ICV; records the last call.
class FakeCipher final : public crypto::Cipher {
 public:
  FakeCipher(bool aead, size_t iv_size, size_t block_size, size_t icv_size)
      : aead_(aead), iv_(iv_size), block_(block_size), icv_(icv_size) {}
  bool aead() const override { return aead_; }
  size_t iv_size() const override { return iv_; }
  size_t block_size() const override { return block_; }
  size_t icv_size() const override { return icv_; }
  Status Seal(ByteSpan aad, ByteSpan iv, MutableByteSpan data, MutableByteSpan icv,
              ByteSpan aad_tail = {}) override;
  Status Open(ByteSpan aad, ByteSpan iv, MutableByteSpan data, ByteSpan icv,
              ByteSpan aad_tail = {}) override;

  Bytes last_aad, last_iv, last_data, last_tail;

 private:
  void Icv(ByteSpan aad, ByteSpan iv, ByteSpan data, ByteSpan tail, uint8_t* out) const;
  bool aead_;
  size_t iv_, block_, icv_;
};

class RecordingSink final : public SaEventSink {
 public:
  void OnLimit(uint64_t serial, ExpireKind kind) override { limits.push_back({serial, kind}); }
  void OnMapping(uint64_t serial, const Endpoint& from) override {
    mappings.push_back({serial, from});
  }
  std::vector<std::pair<uint64_t, ExpireKind>> limits;
  std::vector<std::pair<uint64_t, Endpoint>> mappings;
};

TrafficSelector Ts(const std::string& prefix);
IpAddress Ip(const std::string& text);

}  // namespace ikevpn::kernel::userspace::testing
