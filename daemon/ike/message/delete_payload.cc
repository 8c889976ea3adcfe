// RFC 7296 §3.11 Delete payload.
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Protocol ID   |   SPI Size    |          Num of SPIs          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~               Security Parameter Index(es) (SPI)              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "For an IKE SA, the SPI Size MUST be zero ... [and] Num of SPIs zero";
// for ESP and AH the SPI is 4 octets.
#include <string>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {
namespace {
constexpr size_t kChildSpiSize = 4;
}  // namespace

DecodeResult<DeletePayload> DecodeDelete(ByteSpan body) {
  constexpr PayloadType kD = PayloadType::kDelete;
  ByteReader r(body);
  uint8_t protocol = 0, spi_size = 0;
  uint16_t count = 0;
  if (!r.ReadU8(&protocol) || !r.ReadU8(&spi_size) || !r.ReadU16(&count))
    return Malformed(kD, "shorter than 4 bytes");
  // Shape: the SPIs fill the rest exactly.
  if (size_t{spi_size} * count != r.remaining()) return Malformed(kD, "SPI count disagrees");
  DeletePayload p{static_cast<ProtocolId>(protocol), {}};
  switch (p.protocol) {
    case ProtocolId::kIke:
      if (spi_size != 0 || count != 0) return Malformed(kD, "IKE delete with SPIs");
      return p;
    case ProtocolId::kEsp:
    case ProtocolId::kAh:
      if (spi_size != kChildSpiSize) return Malformed(kD, "SPI size " + std::to_string(spi_size));
      if (count > kMaxDeleteSpis) return Malformed(kD, "too many SPIs");
      break;
    case ProtocolId::kNone:
      return Malformed(kD, "protocol " + std::to_string(protocol));
  }
  if (p.protocol != ProtocolId::kEsp && p.protocol != ProtocolId::kAh)
    return Malformed(kD, "protocol " + std::to_string(protocol));  // values outside the enum
  p.spis.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    uint32_t spi = 0;
    (void)r.ReadU32(&spi);  // length checked above
    p.spis.push_back(spi);
  }
  return p;
}

Status EncodeBody(const DeletePayload& p, ByteWriter& w) {
  bool ike = p.protocol == ProtocolId::kIke;
  if (ike ? !p.spis.empty() : p.spis.size() > kMaxDeleteSpis)
    return Status(Code::kInvalidArgument, "delete: bad SPI list");
  w.U8(static_cast<uint8_t>(p.protocol));
  w.U8(ike ? 0 : kChildSpiSize);
  w.U16(static_cast<uint16_t>(p.spis.size()));
  for (uint32_t spi : p.spis) w.U32(spi);
  return Status::Ok();
}

}  // namespace ikevpn::ike::codec
