// Payloads whose whole body is opaque to the codec.
#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {

// RFC 7296 §3.12 Vendor ID Payload
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        Vendor ID (VID)                        ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
DecodeResult<VendorIdPayload> DecodeVendorId(ByteSpan body) {
  return VendorIdPayload{Bytes(body.begin(), body.end())};
}

Status EncodeBody(const VendorIdPayload& p, ByteWriter& w) {
  w.Append(p.id);
  return Status::Ok();
}

// RFC 7296 §3.16 EAP Payload
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       EAP Message                             ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The EAP message (Code, Identifier, Length, Type, Data) is handed to the
// EAP method unparsed.
DecodeResult<EapPayload> DecodeEap(ByteSpan body) {
  return EapPayload{Bytes(body.begin(), body.end())};
}

Status EncodeBody(const EapPayload& p, ByteWriter& w) {
  w.Append(p.message);
  return Status::Ok();
}

}  // namespace ikevpn::ike::codec
