// PacketBuffer: one packet inside a fixed, caller-owned slot, with room in
// front (headroom) for the ESP header and IV and room behind (tailroom) for
// the ESP trailer and ICV, so that encapsulation and decapsulation work in
// place and never allocate.
#pragma once

#include <cstddef>
#include <cstdint>

#include "daemon/base/bytes.h"

namespace ikevpn::kernel::userspace {

// Enough for the ESP header (8) + the largest IV (16), rounded up.
inline constexpr size_t kPacketHeadroom = 64;
// Enough for the largest padding (15 + 3), pad length, next header and the
// largest ICV (32, HMAC-SHA-512-256), rounded up.
inline constexpr size_t kPacketTailroom = 64;

struct PacketBuffer {
  uint8_t* base = nullptr;  // start of the slot
  size_t capacity = 0;      // size of the slot
  size_t offset = 0;        // where the packet starts
  size_t length = 0;        // packet bytes

  uint8_t* data() const { return base + offset; }
  MutableByteSpan span() const { return {base + offset, length}; }
  size_t headroom() const { return offset; }
  size_t tailroom() const { return capacity - offset - length; }

  // Points at a slot with the standard headroom and no packet.
  void Reset(uint8_t* slot, size_t slot_size) {
    base = slot;
    capacity = slot_size;
    offset = kPacketHeadroom;
    length = 0;
  }
  // Bytes available for a packet read in after Reset().
  size_t max_payload() const { return capacity - kPacketHeadroom - kPacketTailroom; }
};

}  // namespace ikevpn::kernel::userspace
