#include "daemon/ike/message/decode_error.h"

namespace ikevpn::ike {

std::string_view ToString(DecodeError e) {
  switch (e) {
    case DecodeError::kTooShort: return "too short";
    case DecodeError::kLengthMismatch: return "length mismatch";
    case DecodeError::kTooLarge: return "too large";
    case DecodeError::kMalformedHeader: return "malformed header";
    case DecodeError::kNoKeys: return "no keys";
    case DecodeError::kMalformedEncrypted: return "malformed encrypted payload";
    case DecodeError::kIntegrityCheckFailed: return "integrity check failed";
    case DecodeError::kInvalidFragment: return "invalid fragment";
    case DecodeError::kUnknownExchange: return "unknown exchange";
    case DecodeError::kInvalidMajorVersion: return "INVALID_MAJOR_VERSION";
    case DecodeError::kUnsupportedCriticalPayload: return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case DecodeError::kInvalidSyntax: return "INVALID_SYNTAX";
    case DecodeError::kPayloadMissing: return "INVALID_SYNTAX (payload missing)";
    case DecodeError::kPayloadNotAllowed: return "INVALID_SYNTAX (payload not allowed)";
  }
  return "?";
}

std::string DecodeFailure::ToString() const {
  std::string s(ike::ToString(error));
  if (payload != PayloadType::kNone) {
    s += " (";
    s += ike::ToString(payload);
    s += ")";
  }
  if (!detail.empty()) {
    s += ": ";
    s += detail;
  }
  return s;
}

std::optional<NotifyType> NotifyFor(DecodeError e) {
  switch (e) {
    case DecodeError::kTooShort:
    case DecodeError::kLengthMismatch:
    case DecodeError::kTooLarge:
    case DecodeError::kMalformedHeader:
    case DecodeError::kNoKeys:
    case DecodeError::kMalformedEncrypted:
    case DecodeError::kIntegrityCheckFailed:
    case DecodeError::kInvalidFragment:
    case DecodeError::kUnknownExchange:
      return std::nullopt;
    case DecodeError::kInvalidMajorVersion: return NotifyType::kInvalidMajorVersion;
    case DecodeError::kUnsupportedCriticalPayload: return NotifyType::kUnsupportedCriticalPayload;
    case DecodeError::kInvalidSyntax:
    case DecodeError::kPayloadMissing:
    case DecodeError::kPayloadNotAllowed:
      return NotifyType::kInvalidSyntax;
  }
  return std::nullopt;
}

Bytes NotifyDataFor(const DecodeFailure& f) {
  if (f.error == DecodeError::kUnsupportedCriticalPayload) return Bytes{f.raw_type};
  return {};
}

}  // namespace ikevpn::ike
