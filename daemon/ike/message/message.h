// IKEv2 messages: the header (RFC 7296 §3.1), the payload chain (§3.2), and
// decoding/encoding of whole messages.
//
// Decoding is in two phases (STYLE.md principle 3):
//   1. ParseHeader(datagram): no keys needed; enough to find the IKE SA
//      (SPIs, message ID, exchange, flags). Checks the length field against
//      the datagram and the major version.
//   2. DecodeMessage(datagram, cipher): walks the plaintext chain; if it ends
//      in SK, verifies the ICV and decrypts with `cipher`, then walks the
//      inner chain. If it ends in SKF, the fragment is verified, decrypted and
//      returned in Message::fragment for a FragmentReassembler.
//
// Encoding takes typed payloads; the encoder sets every Next Payload field
// and patches every length (no payload builder touches them).
//
// The datagram given to the decoder is the IKE message itself: on port 4500
// the caller strips the 4-byte non-ESP marker first (RFC 3948 §2.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/rng.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/message/decode_error.h"
#include "daemon/ike/message/payloads.h"

namespace ikevpn::ike {

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       IKE SA Initiator's SPI                  |
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       IKE SA Responder's SPI                  |
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                          Message ID                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                            Length                             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                 RFC 7296 §3.1, Figure 4: IKE Header Format
struct IkeHeader {
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  PayloadType next_payload = PayloadType::kNone;  // set by the encoder
  uint8_t major = kIkeMajorVersion;
  uint8_t minor = kIkeMinorVersion;
  ExchangeType exchange = ExchangeType::kIkeSaInit;
  uint8_t flags = 0;  // kFlagInitiator | kFlagResponse (| kFlagVersion)
  uint32_t message_id = 0;
  uint32_t length = 0;  // set by the encoder

  bool initiator() const { return flags & kFlagInitiator; }
  bool response() const { return flags & kFlagResponse; }

  friend bool operator==(const IkeHeader&, const IkeHeader&) = default;
};

// Phase one. Checks: datagram >= 28 bytes (kTooShort); <= kMaxMessageSize
// (kTooLarge); Length field == datagram size (kLengthMismatch); major version
// == 2 (kInvalidMajorVersion; minor is ignored, §2.5); initiator SPI != 0
// (kMalformedHeader). Does not look at the payloads.
DecodeResult<IkeHeader> ParseHeader(ByteSpan datagram);
// Writes the 28 header bytes (with `h.next_payload` and `h.length` as given).
void WriteHeader(const IkeHeader& h, ByteWriter& w);

// A decrypted and verified SKF fragment (RFC 7383 §2.5), for the reassembler.
struct Fragment {
  uint16_t number = 0;  // 1..total
  uint16_t total = 0;
  PayloadType first_inner = PayloadType::kNone;  // meaningful in fragment 1 only
  Bytes plaintext;  // a slice of the inner payload chain, padding removed
};

// A decoded message: its header and its payloads in wire order.
// payloads[0, plaintext_count) were outside any SK payload; the rest came
// from inside the SK payload (or the reassembled SKF fragments) and were
// integrity-checked. Use CheckPayloadRules() (payload_rules.h) to validate
// which payloads an exchange allows and where.
struct Message {
  IkeHeader header;
  Payloads payloads;
  size_t plaintext_count = 0;
  // True if an SK payload (or all SKF fragments) was verified and decrypted.
  bool encrypted = false;
  // Set instead of the inner payloads when the message carried an SKF
  // payload: feed it to a FragmentReassembler.
  std::optional<Fragment> fragment;
  // Raw types of non-critical unknown payloads that were skipped (§2.5), for
  // the debug log.
  std::vector<uint8_t> skipped;

  bool IsEncrypted(size_t index) const { return encrypted && index >= plaintext_count; }

  // The first payload of type T, or nullptr.
  template <typename T>
  const T* Find() const {
    for (const Payload& p : payloads)
      if (const T* v = std::get_if<T>(&p)) return v;
    return nullptr;
  }
  // Every payload of type T, in order.
  template <typename T>
  std::vector<const T*> All() const {
    std::vector<const T*> out;
    for (const Payload& p : payloads)
      if (const T* v = std::get_if<T>(&p)) out.push_back(v);
    return out;
  }
  size_t Count(PayloadType t) const;
  bool Has(PayloadType t) const { return Count(t) > 0; }

  // Notifies of one type (e.g. every NAT_DETECTION_SOURCE_IP).
  std::vector<const NotifyPayload*> Notifies(NotifyType t) const;
  const NotifyPayload* FindNotify(NotifyType t) const;
  bool HasNotify(NotifyType t) const { return FindNotify(t) != nullptr; }
  // The first notify of an error type (< 16384), or nullptr (§3.10.1).
  const NotifyPayload* FirstErrorNotify() const;

  // "IKE_SA_INIT request 0 [ SA KE No N(FRAG_SUP) N(NATD_S_IP) ]" for logs.
  std::string Summary() const;
};

// Phase two. Decodes the whole message. `inbound` is the Cipher for the
// peer's direction (SK_ei when we are the responder); nullptr before keys
// exist, in which case an SK/SKF payload yields kNoKeys. Checks again what
// ParseHeader checks, so it can be called on its own.
// Errors: everything in DecodeError except kPayloadMissing/kPayloadNotAllowed
// and kUnknownExchange (those come from CheckPayloadRules).
DecodeResult<Message> DecodeMessage(ByteSpan datagram, crypto::Cipher* inbound);

// Decodes a bare payload chain that starts with payload type `first` (used
// for the inner chain after decryption and reassembly). Appends to *out.
DecodeStatus DecodePayloadChain(PayloadType first, ByteSpan chain, Message* out);

// An encoded payload chain: the type of its first payload (which goes into
// the Next Payload field of whatever precedes the chain) and its bytes.
struct PayloadChain {
  PayloadType first = PayloadType::kNone;
  Bytes bytes;
};

// Encodes payloads with generic headers; the last payload's Next Payload is
// kNone. kInvalidArgument if a value cannot be encoded (nonce size, more than
// kMaxPayloads, a body over 65535 bytes, ...).
Result<PayloadChain> EncodePayloadChain(std::span<const Payload> payloads);

// A plaintext message (IKE_SA_INIT, or an unprotected INFORMATIONAL answer).
// `header.next_payload` and `header.length` are ignored and set here.
Result<Bytes> EncodeMessage(const IkeHeader& header, std::span<const Payload> payloads);

// A protected message: HDR, SK { inner }. The IV comes from `rng`; `outbound`
// is our direction's Cipher. See protection.h for the lower-level pieces and
// fragmentation.
Result<Bytes> EncodeProtectedMessage(const IkeHeader& header, std::span<const Payload> inner,
                                     crypto::Cipher& outbound, Rng& rng);

}  // namespace ikevpn::ike
