// Whole messages: phase-two decoding (plaintext chain, then SK or SKF) and
// encoding. The header is in header.cc, the chain walk in payload_chain.cc,
// SK sealing/opening in protection.cc.
#include "daemon/ike/message/message.h"

#include <string>

#include "daemon/ike/message/payload_chain.h"
#include "daemon/ike/message/protection.h"

namespace ikevpn::ike {

size_t Message::Count(PayloadType t) const {
  size_t n = 0;
  for (const Payload& p : payloads) n += PayloadTypeOf(p) == t;
  return n;
}

std::vector<const NotifyPayload*> Message::Notifies(NotifyType t) const {
  std::vector<const NotifyPayload*> out;
  for (const NotifyPayload* n : All<NotifyPayload>())
    if (n->type == t) out.push_back(n);
  return out;
}

const NotifyPayload* Message::FindNotify(NotifyType t) const {
  for (const Payload& p : payloads)
    if (const auto* n = std::get_if<NotifyPayload>(&p); n && n->type == t) return n;
  return nullptr;
}

const NotifyPayload* Message::FirstErrorNotify() const {
  for (const Payload& p : payloads)
    if (const auto* n = std::get_if<NotifyPayload>(&p);
        n && IsErrorNotify(static_cast<uint16_t>(n->type)))
      return n;
  return nullptr;
}

std::string Message::Summary() const {
  std::string s(ToString(header.exchange));
  s += header.response() ? " response " : " request ";
  s += std::to_string(header.message_id);
  s += " [";
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (i == plaintext_count && encrypted) s += " SK{";
    s += ' ';
    s += ToString(PayloadTypeOf(payloads[i]));
    if (const auto* n = std::get_if<NotifyPayload>(&payloads[i])) {
      s += '(';
      s += ToString(n->type);
      s += ')';
    }
  }
  if (encrypted) s += plaintext_count == payloads.size() ? " SK{ }" : " }";
  if (fragment)
    s += " SKF(" + std::to_string(fragment->number) + "/" + std::to_string(fragment->total) + ")";
  s += " ]";
  return s;
}

namespace {

// RFC 7383 §2.5: Fragment Number and Total Fragments follow the generic
// header of an SKF payload.
DecodeStatus OpenFragment(ByteSpan datagram, const RawPayload& skf, crypto::Cipher& cipher,
                          Message* out) {
  ByteReader r(skf.body);
  uint16_t number = 0, total = 0;
  if (!r.ReadU16(&number) || !r.ReadU16(&total))
    return DecodeFailure{DecodeError::kMalformedEncrypted, PayloadType::kSkf, 0, "too short"};
  size_t body_offset = kIkeHeaderSize + skf.offset + kGenericPayloadHeaderSize + 4;
  Bytes body(r.rest().begin(), r.rest().end());
  auto plain = OpenBody(datagram.first(body_offset), body, cipher);
  if (!plain.ok()) return std::move(plain).failure();
  // Checked after the ICV: the numbers are covered by it.
  if (number == 0 || total == 0 || number > total)
    return DecodeFailure{DecodeError::kInvalidFragment, PayloadType::kSkf, 0,
                         "fragment " + std::to_string(number) + " of " + std::to_string(total)};
  out->fragment = Fragment{number, total, static_cast<PayloadType>(skf.next),
                           Bytes(plain->begin(), plain->end())};
  return DecodeOk();
}

DecodeStatus OpenSk(ByteSpan datagram, const RawPayload& sk, crypto::Cipher& cipher,
                    Message* out) {
  size_t body_offset = kIkeHeaderSize + sk.offset + kGenericPayloadHeaderSize;
  Bytes body(sk.body.begin(), sk.body.end());
  auto plain = OpenBody(datagram.first(body_offset), body, cipher);
  if (!plain.ok()) return std::move(plain).failure();
  out->encrypted = true;
  return DecodePayloadChain(static_cast<PayloadType>(sk.next), *plain, out);
}

}  // namespace

DecodeResult<Message> DecodeMessage(ByteSpan datagram, crypto::Cipher* inbound) {
  auto header = ParseHeader(datagram);
  if (!header.ok()) return std::move(header).failure();
  Message m;
  m.header = *header;
  auto chain = WalkChain(m.header.next_payload, datagram.subspan(kIkeHeaderSize));
  if (!chain.ok()) return std::move(chain).failure();
  DecodeStatus st = DecodeRawPayloads(*chain, /*allow_encrypted=*/true, &m);
  if (!st.ok()) return std::move(st).failure();
  m.plaintext_count = m.payloads.size();
  if (chain->payloads.empty()) return m;
  const RawPayload& last = chain->payloads.back();
  auto last_type = static_cast<PayloadType>(last.type);
  if (last_type != PayloadType::kSk && last_type != PayloadType::kSkf) return m;
  if (inbound == nullptr)
    return DecodeFailure{DecodeError::kNoKeys, last_type, 0, "no keys for this message"};
  st = last_type == PayloadType::kSk ? OpenSk(datagram, last, *inbound, &m)
                                     : OpenFragment(datagram, last, *inbound, &m);
  if (!st.ok()) return std::move(st).failure();
  return m;
}

Result<Bytes> EncodeMessage(const IkeHeader& header, std::span<const Payload> payloads) {
  IKEVPN_ASSIGN_OR_RETURN(PayloadChain chain, EncodePayloadChain(payloads));
  size_t length = kIkeHeaderSize + chain.bytes.size();
  if (length > kMaxMessageSize) return Status(Code::kInvalidArgument, "message too large");
  IkeHeader h = header;
  h.next_payload = chain.first;
  h.length = static_cast<uint32_t>(length);
  Bytes out;
  out.reserve(length);
  ByteWriter w(&out);
  WriteHeader(h, w);
  w.Append(chain.bytes);
  return out;
}

Result<Bytes> EncodeProtectedMessage(const IkeHeader& header, std::span<const Payload> inner,
                                     crypto::Cipher& outbound, Rng& rng) {
  IKEVPN_ASSIGN_OR_RETURN(PayloadChain chain, EncodePayloadChain(inner));
  return SealMessage(header, chain, outbound, rng);
}

}  // namespace ikevpn::ike
