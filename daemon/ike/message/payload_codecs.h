// Internal to the codec: the body codec of each payload type (the part after
// the 4-byte generic payload header). One file per payload or small group:
//   sa_payload.cc       SA (proposals, transforms, attributes)
//   ke_nonce_payload.cc KE, Nonce
//   id_auth_payload.cc  IDi, IDr, AUTH
//   cert_payload.cc     CERT, CERTREQ
//   notify_payload.cc   Notify
//   delete_payload.cc   Delete
//   ts_payload.cc       TSi, TSr
//   cp_payload.cc       CP
//   opaque_payload.cc   Vendor ID, EAP
//
// Decode*: `body` is exactly the payload body (the chain walker has checked
// the generic header). Each first checks the shape (fixed part, substructure
// lengths and counts) and only then interprets values.
// EncodeBody: appends the body; kInvalidArgument if the value cannot be
// represented (a field too long, too many items, an out-of-range size).
#pragma once

#include <string>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/message/decode_error.h"
#include "daemon/ike/message/payloads.h"

namespace ikevpn::ike::codec {

inline DecodeFailure Malformed(PayloadType p, std::string detail) {
  return DecodeFailure{DecodeError::kInvalidSyntax, p, 0, std::move(detail)};
}

DecodeResult<SaPayload> DecodeSa(ByteSpan body);
DecodeResult<KePayload> DecodeKe(ByteSpan body);
DecodeResult<NoncePayload> DecodeNonce(ByteSpan body);
template <PayloadType T>
DecodeResult<IdPayloadOf<T>> DecodeId(ByteSpan body);
DecodeResult<AuthPayload> DecodeAuth(ByteSpan body);
DecodeResult<CertPayload> DecodeCert(ByteSpan body);
DecodeResult<CertReqPayload> DecodeCertReq(ByteSpan body);
DecodeResult<NotifyPayload> DecodeNotify(ByteSpan body);
DecodeResult<DeletePayload> DecodeDelete(ByteSpan body);
template <PayloadType T>
DecodeResult<TsPayloadOf<T>> DecodeTs(ByteSpan body);
DecodeResult<CpPayload> DecodeCp(ByteSpan body);
DecodeResult<VendorIdPayload> DecodeVendorId(ByteSpan body);
DecodeResult<EapPayload> DecodeEap(ByteSpan body);

Status EncodeBody(const SaPayload& p, ByteWriter& w);
Status EncodeBody(const KePayload& p, ByteWriter& w);
Status EncodeBody(const NoncePayload& p, ByteWriter& w);
template <PayloadType T>
Status EncodeBody(const IdPayloadOf<T>& p, ByteWriter& w);
Status EncodeBody(const AuthPayload& p, ByteWriter& w);
Status EncodeBody(const CertPayload& p, ByteWriter& w);
Status EncodeBody(const CertReqPayload& p, ByteWriter& w);
Status EncodeBody(const NotifyPayload& p, ByteWriter& w);
Status EncodeBody(const DeletePayload& p, ByteWriter& w);
template <PayloadType T>
Status EncodeBody(const TsPayloadOf<T>& p, ByteWriter& w);
Status EncodeBody(const CpPayload& p, ByteWriter& w);
Status EncodeBody(const VendorIdPayload& p, ByteWriter& w);
Status EncodeBody(const EapPayload& p, ByteWriter& w);

// Decodes one payload body of a known type into a Payload. Precondition:
// IsKnownPayloadType(type) and type is neither SK nor SKF.
DecodeResult<Payload> DecodeBody(PayloadType type, ByteSpan body);
bool IsKnownPayloadType(uint8_t type);

}  // namespace ikevpn::ike::codec
