// RFC 7296 §3.4 Key Exchange and §3.9 Nonce payloads.
#include <string>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {

// §3.4 Key Exchange Payload
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   Diffie-Hellman Group Num    |           RESERVED            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Key Exchange Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
DecodeResult<KePayload> DecodeKe(ByteSpan body) {
  ByteReader r(body);
  uint16_t group = 0, reserved = 0;
  if (!r.ReadU16(&group) || !r.ReadU16(&reserved))
    return Malformed(PayloadType::kKe, "shorter than 4 bytes");
  return KePayload{static_cast<KeId>(group), Bytes(r.rest().begin(), r.rest().end())};
}

Status EncodeBody(const KePayload& p, ByteWriter& w) {
  w.U16(static_cast<uint16_t>(p.group));
  w.U16(0);
  w.Append(p.data);
  return Status::Ok();
}

// §3.9 Nonce Payload
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                            Nonce Data                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// "The size of the Nonce Data MUST be between 16 and 256 octets, inclusive."
static bool NonceSizeOk(size_t n) { return n >= kMinNonceSize && n <= kMaxNonceSize; }

DecodeResult<NoncePayload> DecodeNonce(ByteSpan body) {
  if (!NonceSizeOk(body.size()))
    return Malformed(PayloadType::kNonce, "nonce of " + std::to_string(body.size()) + " bytes");
  return NoncePayload{Bytes(body.begin(), body.end())};
}

Status EncodeBody(const NoncePayload& p, ByteWriter& w) {
  if (!NonceSizeOk(p.nonce.size()))
    return Status(Code::kInvalidArgument, "nonce must be 16..256 bytes");
  w.Append(p.nonce);
  return Status::Ok();
}

}  // namespace ikevpn::ike::codec
