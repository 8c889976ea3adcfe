// RFC 7296 §3.10 Notify payload.
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Protocol ID  |   SPI Size    |      Notify Message Type      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                Security Parameter Index (SPI)                 ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Notification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The SPI size is checked against the payload, not against the protocol:
// what a given notify type carries is the engine's business.
#include <string>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {

DecodeResult<NotifyPayload> DecodeNotify(ByteSpan body) {
  ByteReader r(body);
  uint8_t protocol = 0, spi_size = 0;
  uint16_t type = 0;
  ByteSpan spi;
  if (!r.ReadU8(&protocol) || !r.ReadU8(&spi_size) || !r.ReadU16(&type))
    return Malformed(PayloadType::kNotify, "shorter than 4 bytes");
  if (!r.ReadSpan(spi_size, &spi))
    return Malformed(PayloadType::kNotify, "SPI size " + std::to_string(spi_size) + " overruns");
  return NotifyPayload{static_cast<ProtocolId>(protocol), Bytes(spi.begin(), spi.end()),
                       static_cast<NotifyType>(type), Bytes(r.rest().begin(), r.rest().end())};
}

Status EncodeBody(const NotifyPayload& p, ByteWriter& w) {
  if (p.spi.size() > 255) return Status(Code::kInvalidArgument, "notify SPI too long");
  w.U8(static_cast<uint8_t>(p.protocol));
  w.U8(static_cast<uint8_t>(p.spi.size()));
  w.U16(static_cast<uint16_t>(p.type));
  w.Append(p.spi);
  w.Append(p.data);
  return Status::Ok();
}

}  // namespace ikevpn::ike::codec
