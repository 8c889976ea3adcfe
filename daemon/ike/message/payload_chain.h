// Internal to the codec: walking a payload chain's generic headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/ike/message/decode_error.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

// One payload as found by the chain walk: generic header checked, body not
// looked at.
struct RawPayload {
  uint8_t type = 0;
  uint8_t next = 0;  // for SK/SKF: the first inner payload
  bool critical = false;
  size_t offset = 0;  // of the generic header, from the start of the chain
  ByteSpan body;
};

struct RawChain {
  std::vector<RawPayload> payloads;  // known types only; SK/SKF last if present
  std::vector<uint8_t> skipped;      // unknown non-critical types
};

// Checks every generic header of a chain starting with `first`: lengths
// within bounds, at most kMaxPayloads, nothing after the last payload,
// unknown critical payloads rejected, SK/SKF only as the last payload (the
// walk stops there).
DecodeResult<RawChain> WalkChain(PayloadType first, ByteSpan chain);

// Decodes the bodies of a walked chain into out->payloads (SK/SKF are left
// for the caller if allow_encrypted, else INVALID_SYNTAX).
DecodeStatus DecodeRawPayloads(const RawChain& chain, bool allow_encrypted, Message* out);

}  // namespace ikevpn::ike
