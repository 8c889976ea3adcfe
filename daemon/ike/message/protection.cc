// RFC 7296 §3.14: Encrypted and Authenticated payload (SK).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Initialization Vector                     |
// |         (length is block size for encryption algorithm)       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                    Encrypted IKE Payloads                     ~
// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               |             Padding (0-255 octets)            |
// +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
// |                                               |  Pad Length   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                    Integrity Checksum Data                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// For AEAD (RFC 5282) the checksum is the tag and the associated data is
// everything from the IKE header to the end of the SK payload header; the
// Cipher interface treats CBC+HMAC the same way (HMAC over aad || iv ||
// ciphertext), which is exactly §3.14's "ICV over the whole message up to
// the checksum".
#include "daemon/ike/message/protection.h"

#include <string>

namespace ikevpn::ike {
namespace {

size_t PaddedSize(const crypto::Cipher& cipher, size_t plaintext_size) {
  size_t block = cipher.block_size() == 0 ? 1 : cipher.block_size();
  size_t with_pad_length = plaintext_size + 1;
  return (with_pad_length + block - 1) / block * block;
}

DecodeFailure Envelope(DecodeError e, std::string detail) {
  return DecodeFailure{e, PayloadType::kSk, 0, std::move(detail)};
}

}  // namespace

size_t SealedSize(const crypto::Cipher& cipher, size_t plaintext_size) {
  return cipher.iv_size() + PaddedSize(cipher, plaintext_size) + cipher.icv_size();
}

Status AppendSealedBody(Bytes* message, ByteSpan plaintext, crypto::Cipher& outbound, Rng& rng) {
  size_t aad_size = message->size();
  size_t padded = PaddedSize(outbound, plaintext.size());
  size_t pad = padded - plaintext.size() - 1;
  if (pad > 255) return Status(Code::kInternal, "block size over 256");
  ByteWriter w(message);
  size_t iv_at = w.size();
  w.Zeros(outbound.iv_size());
  rng.Fill(MutableByteSpan(message->data() + iv_at, outbound.iv_size()));
  size_t data_at = w.size();
  w.Append(plaintext);
  w.Zeros(pad);  // §3.14: padding may hold any value
  w.U8(static_cast<uint8_t>(pad));
  size_t icv_at = w.size();
  w.Zeros(outbound.icv_size());
  uint8_t* base = message->data();
  return outbound.Seal(ByteSpan(base, aad_size), ByteSpan(base + iv_at, outbound.iv_size()),
                       MutableByteSpan(base + data_at, padded),
                       MutableByteSpan(base + icv_at, outbound.icv_size()));
}

Result<Bytes> SealMessage(const IkeHeader& header, const PayloadChain& chain,
                          crypto::Cipher& outbound, Rng& rng) {
  size_t sk_length = kGenericPayloadHeaderSize + SealedSize(outbound, chain.bytes.size());
  size_t length = kIkeHeaderSize + sk_length;
  if (length > kMaxMessageSize) return Status(Code::kInvalidArgument, "message too large");
  IkeHeader h = header;
  h.next_payload = PayloadType::kSk;
  h.length = static_cast<uint32_t>(length);
  Bytes out;
  out.reserve(length);
  ByteWriter w(&out);
  WriteHeader(h, w);
  w.U8(static_cast<uint8_t>(chain.first));
  w.U8(0);
  w.U16(static_cast<uint16_t>(sk_length));
  IKEVPN_RETURN_IF_ERROR(AppendSealedBody(&out, chain.bytes, outbound, rng));
  return out;
}

DecodeResult<ByteSpan> OpenBody(ByteSpan aad, MutableByteSpan body, crypto::Cipher& inbound) {
  size_t iv = inbound.iv_size(), icv = inbound.icv_size();
  size_t block = inbound.block_size() == 0 ? 1 : inbound.block_size();
  if (body.size() < iv + icv + 1)
    return Envelope(DecodeError::kMalformedEncrypted, "body of " + std::to_string(body.size()) +
                                                          " bytes");
  MutableByteSpan data = body.subspan(iv, body.size() - iv - icv);
  if (data.size() % block != 0)
    return Envelope(DecodeError::kMalformedEncrypted, "not a multiple of the block size");
  Status st = inbound.Open(aad, body.first(iv), data, body.last(icv));
  if (!st.ok()) {
    if (st.code() == Code::kAuthFailed)
      return Envelope(DecodeError::kIntegrityCheckFailed, st.message());
    return Envelope(DecodeError::kMalformedEncrypted, st.ToString());
  }
  // Verified: from here on a problem is the peer's syntax error.
  size_t pad = data.back();
  if (pad + 1 > data.size())
    return Envelope(DecodeError::kInvalidSyntax, "pad length " + std::to_string(pad));
  return ByteSpan(data.data(), data.size() - pad - 1);
}

}  // namespace ikevpn::ike
