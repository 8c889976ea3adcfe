// RFC 7296 §3.5 Identification and §3.8 Authentication payloads.
#include <string>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {
namespace {

constexpr size_t kIpv4Size = 4;
constexpr size_t kIpv6Size = 16;

// Both payloads are "one type octet, three reserved octets, data".
bool ReadTypeAndData(ByteSpan body, uint8_t* type, ByteSpan* data) {
  ByteReader r(body);
  uint8_t reserved = 0;
  uint16_t reserved2 = 0;
  if (!r.ReadU8(type) || !r.ReadU8(&reserved) || !r.ReadU16(&reserved2)) return false;
  *data = r.rest();
  return true;
}

void WriteTypeAndData(uint8_t type, ByteSpan data, ByteWriter& w) {
  w.U8(type);
  w.U8(0);
  w.U16(0);
  w.Append(data);
}

}  // namespace

// §3.5 Identification Payloads
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   ID Type     |                 RESERVED                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                   Identification Data                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
template <PayloadType T>
DecodeResult<IdPayloadOf<T>> DecodeId(ByteSpan body) {
  uint8_t type = 0;
  ByteSpan data;
  if (!ReadTypeAndData(body, &type, &data)) return Malformed(T, "shorter than 4 bytes");
  auto id_type = static_cast<IdType>(type);
  if ((id_type == IdType::kIpv4Addr && data.size() != kIpv4Size) ||
      (id_type == IdType::kIpv6Addr && data.size() != kIpv6Size))
    return Malformed(T, "address of " + std::to_string(data.size()) + " bytes");
  return IdPayloadOf<T>{id_type, Bytes(data.begin(), data.end())};
}

template <PayloadType T>
Status EncodeBody(const IdPayloadOf<T>& p, ByteWriter& w) {
  WriteTypeAndData(static_cast<uint8_t>(p.type), p.data, w);
  return Status::Ok();
}

template DecodeResult<IdiPayload> DecodeId<PayloadType::kIdi>(ByteSpan);
template DecodeResult<IdrPayload> DecodeId<PayloadType::kIdr>(ByteSpan);
template Status EncodeBody<PayloadType::kIdi>(const IdiPayload&, ByteWriter&);
template Status EncodeBody<PayloadType::kIdr>(const IdrPayload&, ByteWriter&);

// §3.8 Authentication Payload
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Auth Method   |                RESERVED                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Authentication Data                      ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
DecodeResult<AuthPayload> DecodeAuth(ByteSpan body) {
  uint8_t method = 0;
  ByteSpan data;
  if (!ReadTypeAndData(body, &method, &data))
    return Malformed(PayloadType::kAuth, "shorter than 4 bytes");
  return AuthPayload{static_cast<AuthMethod>(method), Bytes(data.begin(), data.end())};
}

Status EncodeBody(const AuthPayload& p, ByteWriter& w) {
  WriteTypeAndData(static_cast<uint8_t>(p.method), p.data, w);
  return Status::Ok();
}

}  // namespace ikevpn::ike::codec
