// RFC 7296 §3.1: the IKE header (figure in message.h). Phase one of
// decoding: no keys, no payloads.
#include "daemon/ike/message/message.h"

#include <string>

namespace ikevpn::ike {
namespace {

DecodeFailure HeaderFailure(DecodeError e, std::string detail) {
  return DecodeFailure{e, PayloadType::kNone, 0, std::move(detail)};
}

}  // namespace

DecodeResult<IkeHeader> ParseHeader(ByteSpan datagram) {
  if (datagram.size() < kIkeHeaderSize)
    return HeaderFailure(DecodeError::kTooShort, std::to_string(datagram.size()) + " bytes");
  if (datagram.size() > kMaxMessageSize)
    return HeaderFailure(DecodeError::kTooLarge, std::to_string(datagram.size()) + " bytes");
  ByteReader r(datagram);
  IkeHeader h;
  uint8_t next = 0, version = 0, exchange = 0;
  // Cannot fail: the size was checked above.
  (void)(r.ReadU64(&h.spi_i) && r.ReadU64(&h.spi_r) && r.ReadU8(&next) && r.ReadU8(&version) &&
         r.ReadU8(&exchange) && r.ReadU8(&h.flags) && r.ReadU32(&h.message_id) &&
         r.ReadU32(&h.length));
  h.next_payload = static_cast<PayloadType>(next);
  h.major = version >> 4;
  h.minor = version & 0x0f;
  h.exchange = static_cast<ExchangeType>(exchange);
  if (h.length != datagram.size())
    return HeaderFailure(DecodeError::kLengthMismatch, "length field " + std::to_string(h.length) +
                                                           ", datagram " +
                                                           std::to_string(datagram.size()));
  // §2.5: a different major version is answered with INVALID_MAJOR_VERSION
  // (the minor version is ignored).
  if (h.major != kIkeMajorVersion)
    return HeaderFailure(DecodeError::kInvalidMajorVersion, "major version " +
                                                                std::to_string(h.major));
  if (h.spi_i == 0) return HeaderFailure(DecodeError::kMalformedHeader, "initiator SPI is zero");
  return h;
}

void WriteHeader(const IkeHeader& h, ByteWriter& w) {
  w.U64(h.spi_i);
  w.U64(h.spi_r);
  w.U8(static_cast<uint8_t>(h.next_payload));
  w.U8(static_cast<uint8_t>(h.major << 4 | (h.minor & 0x0f)));
  w.U8(static_cast<uint8_t>(h.exchange));
  w.U8(h.flags);
  w.U32(h.message_id);
  w.U32(h.length);
}

}  // namespace ikevpn::ike
