// Decode errors of the IKEv2 message codec, and what the receiver does about
// each: answer with an error notify (RFC 7296 §2.21, §3.10.1) or drop the
// message silently.
//
// Every decoding function of the codec returns a DecodeResult<T>: a value or
// a DecodeFailure naming a DecodeError (the reaction) plus detail for the
// debug log. The codec decides *what* is wrong; whether an answer is sent at
// all is the engine's call: a response is never answered (§2.21), and a
// message that failed before its integrity was verified is only answered
// where the RFC allows an unauthenticated answer (IKE_SA_INIT, §2.21.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"

namespace ikevpn::ike {

enum class DecodeError : uint8_t {
  // Drop silently: the datagram is not an IKEv2 message we can attribute.
  kTooShort,          // shorter than the IKE header
  kLengthMismatch,    // header Length field differs from the datagram size
  kTooLarge,          // above kMaxMessageSize (or a reassembly cap)
  kMalformedHeader,   // zero initiator SPI, bad flags
  kNoKeys,            // an SK/SKF payload but no Cipher to open it
  kMalformedEncrypted,  // SK/SKF envelope: not last, too short, misaligned
  kIntegrityCheckFailed,  // ICV mismatch: drop silently, count it
  kInvalidFragment,   // SKF number/total out of range or inconsistent
  kUnknownExchange,   // no payload rules for this exchange type
  // Answer with a notify (if the message was a request).
  kInvalidMajorVersion,          // INVALID_MAJOR_VERSION (§2.5)
  kUnsupportedCriticalPayload,   // UNSUPPORTED_CRITICAL_PAYLOAD, data = type
  kInvalidSyntax,                // INVALID_SYNTAX: malformed payload, bad padding
  kPayloadMissing,               // INVALID_SYNTAX: a required payload is absent
  kPayloadNotAllowed,            // INVALID_SYNTAX: payload not allowed here / repeated
};

std::string_view ToString(DecodeError e);

// The decoder's verdict: which error, about which payload (kNone if none),
// and a short detail for the debug log ("SA: transform 3 length 7 < 8").
struct DecodeFailure {
  DecodeError error = DecodeError::kInvalidSyntax;
  PayloadType payload = PayloadType::kNone;
  // For kUnsupportedCriticalPayload: the raw unknown type (goes in the notify).
  uint8_t raw_type = 0;
  std::string detail;

  // "INVALID_SYNTAX (SA): transform 3 length 7 < 8" for logs.
  std::string ToString() const;
};

// The notify a receiver sends for a failure, if any (RFC 7296 §3.10.1).
// nullopt means drop silently.
std::optional<NotifyType> NotifyFor(DecodeError e);
// The Notification Data of that notify: the one-octet payload type for
// UNSUPPORTED_CRITICAL_PAYLOAD (§3.10.1), empty otherwise (for
// INVALID_MAJOR_VERSION the supported version goes in the answer's header, §2.5).
Bytes NotifyDataFor(const DecodeFailure& f);

// A value or a DecodeFailure. Same shape as ikevpn::Result.
template <typename T>
class [[nodiscard]] DecodeResult {
 public:
  DecodeResult(T value) : v_(std::move(value)) {}             // NOLINT: implicit by design
  DecodeResult(DecodeFailure failure) : v_(std::move(failure)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Precondition: !ok().
  const DecodeFailure& failure() const& { return std::get<DecodeFailure>(v_); }
  DecodeFailure&& failure() && { return std::get<DecodeFailure>(std::move(v_)); }
  DecodeError error() const { return failure().error; }

  // Code::kDrop with the rendered failure, or OK. For callers that only log.
  Status status() const { return ok() ? Status() : Status(Code::kDrop, failure().ToString()); }

 private:
  std::variant<T, DecodeFailure> v_;
};

using DecodeStatus = DecodeResult<std::monostate>;
inline DecodeStatus DecodeOk() { return std::monostate{}; }

}  // namespace ikevpn::ike
