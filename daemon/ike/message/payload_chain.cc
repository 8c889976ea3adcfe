// RFC 7296 §3.2: the generic payload header and the payload chain.
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Walking a chain checks only these headers (shape); the bodies are then
// decoded one by one by the per-payload codecs (interpretation).
#include "daemon/ike/message/payload_chain.h"

#include <string>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike {
namespace codec {

bool IsKnownPayloadType(uint8_t type) {
  auto t = static_cast<PayloadType>(type);
  return (type >= static_cast<uint8_t>(PayloadType::kSa) &&
          type <= static_cast<uint8_t>(PayloadType::kEap)) ||
         t == PayloadType::kSkf;
}

namespace {
// Wraps a typed decode result into a Payload.
template <typename T>
DecodeResult<Payload> Wrap(DecodeResult<T> r) {
  if (!r.ok()) return std::move(r).failure();
  return Payload(std::move(r).value());
}
}  // namespace

DecodeResult<Payload> DecodeBody(PayloadType type, ByteSpan body) {
  switch (type) {
    case PayloadType::kSa: return Wrap(DecodeSa(body));
    case PayloadType::kKe: return Wrap(DecodeKe(body));
    case PayloadType::kIdi: return Wrap(DecodeId<PayloadType::kIdi>(body));
    case PayloadType::kIdr: return Wrap(DecodeId<PayloadType::kIdr>(body));
    case PayloadType::kCert: return Wrap(DecodeCert(body));
    case PayloadType::kCertReq: return Wrap(DecodeCertReq(body));
    case PayloadType::kAuth: return Wrap(DecodeAuth(body));
    case PayloadType::kNonce: return Wrap(DecodeNonce(body));
    case PayloadType::kNotify: return Wrap(DecodeNotify(body));
    case PayloadType::kDelete: return Wrap(DecodeDelete(body));
    case PayloadType::kVendorId: return Wrap(DecodeVendorId(body));
    case PayloadType::kTsi: return Wrap(DecodeTs<PayloadType::kTsi>(body));
    case PayloadType::kTsr: return Wrap(DecodeTs<PayloadType::kTsr>(body));
    case PayloadType::kCp: return Wrap(DecodeCp(body));
    case PayloadType::kEap: return Wrap(DecodeEap(body));
    case PayloadType::kNone:
    case PayloadType::kSk:
    case PayloadType::kSkf:
      break;
  }
  return Malformed(type, "not a payload value");
}

}  // namespace codec

DecodeResult<RawChain> WalkChain(PayloadType first, ByteSpan chain) {
  RawChain out;
  ByteReader r(chain);
  auto next = static_cast<uint8_t>(first);
  while (next != static_cast<uint8_t>(PayloadType::kNone)) {
    if (out.payloads.size() + out.skipped.size() == kMaxPayloads)
      return codec::Malformed(PayloadType::kNone, "more than " + std::to_string(kMaxPayloads) +
                                                      " payloads");
    RawPayload p;
    p.type = next;
    p.offset = static_cast<size_t>(r.position() - chain.data());
    uint8_t flags = 0;
    uint16_t length = 0;
    if (!r.ReadU8(&next) || !r.ReadU8(&flags) || !r.ReadU16(&length))
      return codec::Malformed(static_cast<PayloadType>(p.type), "generic header truncated");
    p.critical = (flags & kFlagCritical) != 0;
    p.next = next;
    if (length < kGenericPayloadHeaderSize || !r.ReadSpan(length - kGenericPayloadHeaderSize, &p.body))
      return codec::Malformed(static_cast<PayloadType>(p.type),
                              "payload length " + std::to_string(length));
    if (!codec::IsKnownPayloadType(p.type)) {
      // §2.5: an unknown payload with the critical bit is fatal; without
      // it, skipped.
      if (p.critical)
        return DecodeFailure{DecodeError::kUnsupportedCriticalPayload, PayloadType::kNone, p.type,
                             "payload type " + std::to_string(p.type)};
      out.skipped.push_back(p.type);
      continue;
    }
    auto type = static_cast<PayloadType>(p.type);
    out.payloads.push_back(p);
    if (type == PayloadType::kSk || type == PayloadType::kSkf) {
      // §3.14: the SK payload is the last one; its Next Payload names the
      // first inner payload, not a following outer one.
      if (!r.empty())
        return DecodeFailure{DecodeError::kMalformedEncrypted, type, 0, "not the last payload"};
      return out;
    }
  }
  if (!r.empty()) return codec::Malformed(PayloadType::kNone, "bytes after the last payload");
  return out;
}

DecodeStatus DecodePayloadChain(PayloadType first, ByteSpan chain, Message* out) {
  auto walked = WalkChain(first, chain);
  if (!walked.ok()) return std::move(walked).failure();
  return DecodeRawPayloads(*walked, /*allow_encrypted=*/false, out);
}

DecodeStatus DecodeRawPayloads(const RawChain& chain, bool allow_encrypted, Message* out) {
  out->skipped.insert(out->skipped.end(), chain.skipped.begin(), chain.skipped.end());
  for (const RawPayload& raw : chain.payloads) {
    auto type = static_cast<PayloadType>(raw.type);
    if (type == PayloadType::kSk || type == PayloadType::kSkf) {
      if (!allow_encrypted) return codec::Malformed(type, "nested encrypted payload");
      continue;  // the caller opens it
    }
    auto p = codec::DecodeBody(type, raw.body);
    if (!p.ok()) return std::move(p).failure();
    out->payloads.push_back(std::move(p).value());
  }
  return DecodeOk();
}

Result<PayloadChain> EncodePayloadChain(std::span<const Payload> payloads) {
  if (payloads.size() > kMaxPayloads)
    return Status(Code::kInvalidArgument, "more than " + std::to_string(kMaxPayloads) + " payloads");
  PayloadChain chain;
  ByteWriter w(&chain.bytes);
  size_t prev_header = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    PayloadType type = PayloadTypeOf(payloads[i]);
    if (i == 0)
      chain.first = type;
    else
      w.PatchU8(prev_header, static_cast<uint8_t>(type));
    prev_header = w.size();
    w.U8(static_cast<uint8_t>(PayloadType::kNone));  // patched by the next payload
    w.U8(0);                                         // critical bit clear (§3.2)
    w.U16(0);                                        // length, patched below
    Status st = std::visit([&w](const auto& v) { return codec::EncodeBody(v, w); }, payloads[i]);
    if (!st.ok()) return st.Annotate(ToString(type));
    size_t length = w.size() - prev_header;
    if (length > 0xffff) return Status(Code::kInvalidArgument, std::string(ToString(type)) + " too long");
    w.PatchU16(prev_header + 2, static_cast<uint16_t>(length));
  }
  return chain;
}

}  // namespace ikevpn::ike
