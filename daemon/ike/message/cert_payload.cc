// RFC 7296 §3.6 Certificate and §3.7 Certificate Request payloads: one
// encoding octet followed by opaque data.
//
// §3.6 Certificate Payload
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Cert Encoding |                                               |
// +-+-+-+-+-+-+-+-+                                               |
// ~                       Certificate Data                        ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// §3.7 Certificate Request Payload
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Cert Encoding |                                               |
// +-+-+-+-+-+-+-+-+                                               |
// ~                    Certification Authority                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {
namespace {

// Both payloads: `encoding` plus one Bytes member named by `Data`.
template <typename T, Bytes T::*Data>
DecodeResult<T> DecodeEncodingAndData(ByteSpan body) {
  ByteReader r(body);
  uint8_t encoding = 0;
  if (!r.ReadU8(&encoding)) return Malformed(T::kType, "empty");
  T p;
  p.encoding = static_cast<CertEncoding>(encoding);
  (p.*Data).assign(r.rest().begin(), r.rest().end());
  return p;
}

template <typename T, Bytes T::*Data>
Status EncodeEncodingAndData(const T& p, ByteWriter& w) {
  w.U8(static_cast<uint8_t>(p.encoding));
  w.Append(p.*Data);
  return Status::Ok();
}

}  // namespace

DecodeResult<CertPayload> DecodeCert(ByteSpan body) {
  return DecodeEncodingAndData<CertPayload, &CertPayload::data>(body);
}

Status EncodeBody(const CertPayload& p, ByteWriter& w) {
  return EncodeEncodingAndData<CertPayload, &CertPayload::data>(p, w);
}

DecodeResult<CertReqPayload> DecodeCertReq(ByteSpan body) {
  return DecodeEncodingAndData<CertReqPayload, &CertReqPayload::authorities>(body);
}

Status EncodeBody(const CertReqPayload& p, ByteWriter& w) {
  return EncodeEncodingAndData<CertReqPayload, &CertReqPayload::authorities>(p, w);
}

}  // namespace ikevpn::ike::codec
