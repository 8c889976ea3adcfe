// RFC 7296 §3.15 Configuration payload.
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C| RESERVED    |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   CFG Type    |                    RESERVED                   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                   Configuration Attributes                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// §3.15.1 Configuration Attributes
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |R|         Attribute Type      |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                             Value                             ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Attribute values are opaque here; their per-type lengths (4 bytes for an
// IPv4 address, 17 for an IPv6 address with prefix) are checked where they
// are interpreted.
#include <string>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {
namespace {
constexpr uint16_t kReservedBit = 0x8000;
}  // namespace

DecodeResult<CpPayload> DecodeCp(ByteSpan body) {
  constexpr PayloadType kCp = PayloadType::kCp;
  ByteReader r(body);
  uint8_t type = 0, reserved = 0;
  uint16_t reserved2 = 0;
  if (!r.ReadU8(&type) || !r.ReadU8(&reserved) || !r.ReadU16(&reserved2))
    return Malformed(kCp, "shorter than 4 bytes");
  CpPayload p{static_cast<CfgType>(type), {}};
  while (!r.empty()) {
    if (p.attributes.size() == kMaxCfgAttributes) return Malformed(kCp, "too many attributes");
    uint16_t attr_type = 0, length = 0;
    ByteSpan value;
    if (!r.ReadU16(&attr_type) || !r.ReadU16(&length) || !r.ReadSpan(length, &value))
      return Malformed(kCp, "attribute " + std::to_string(p.attributes.size()) + " truncated");
    p.attributes.push_back(CfgAttribute{static_cast<uint16_t>(attr_type & ~kReservedBit),
                                        Bytes(value.begin(), value.end())});
  }
  return p;
}

Status EncodeBody(const CpPayload& p, ByteWriter& w) {
  if (p.attributes.size() > kMaxCfgAttributes)
    return Status(Code::kInvalidArgument, "too many configuration attributes");
  w.U8(static_cast<uint8_t>(p.type));
  w.U8(0);
  w.U16(0);
  for (const CfgAttribute& a : p.attributes) {
    if ((a.type & kReservedBit) != 0 || a.value.size() > 0xffff)
      return Status(Code::kInvalidArgument, "bad configuration attribute");
    w.U16(a.type);
    w.U16(static_cast<uint16_t>(a.value.size()));
    w.Append(a.value);
  }
  return Status::Ok();
}

}  // namespace ikevpn::ike::codec
