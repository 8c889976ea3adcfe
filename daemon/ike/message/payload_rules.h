// Which payloads each exchange allows: ONE table (payload_rules.cc) and one
// call to check a decoded message against it.
//
// The table is written from RFC 7296 §1.2–§1.5, §2.6, §2.16 and the
// extensions we speak (RFC 4555 MOBIKE, RFC 4739 multiple auth, RFC 5685
// redirect, RFC 5998 EAP-only, RFC 6023 childless, RFC 7383, RFC 9242).
//
// How "required" is expressed, so one table also covers the short forms:
//  * `required_any`: the message must contain every payload of at least one
//    of these sets. IKE_AUTH requests list the initial form {IDi, AUTH}, the
//    EAP start {IDi}, EAP continuation {EAP} and the final {AUTH}.
//  * `child`: the CHILD_SA payloads (SA, TSi, TSr in IKE_AUTH; TSi, TSr in
//    CREATE_CHILD_SA) come all together or not at all. That allows a
//    childless IKE_AUTH (RFC 6023) and an IKE SA rekey, and still rejects
//    an SA without TSs.
//  * A response that carries an error notify (type < 16384) is exempt from
//    `required_any` and `child`: NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE,
//    INVALID_KE_PAYLOAD... answers omit the rest. So is an IKE_SA_INIT
//    response carrying COOKIE or REDIRECT (§2.6, RFC 5685).
//  The allowed set and the at-most-once rule always apply.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>

#include "daemon/ike/constants.h"
#include "daemon/ike/message/decode_error.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

// A set of payload types as a bit mask (bit = type - 32; types 33..63).
class PayloadSet {
 public:
  constexpr PayloadSet() = default;
  constexpr PayloadSet(std::initializer_list<PayloadType> types) {
    for (PayloadType t : types) bits_ |= Bit(t);
  }
  constexpr bool Contains(PayloadType t) const { return (bits_ & Bit(t)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint32_t bits() const { return bits_; }
  constexpr PayloadSet& Add(PayloadType t) {
    bits_ |= Bit(t);
    return *this;
  }
  // True if every type in `other` is in this set.
  constexpr bool ContainsAll(PayloadSet other) const { return (bits_ & other.bits_) == other.bits_; }
  constexpr bool ContainsAny(PayloadSet other) const { return (bits_ & other.bits_) != 0; }

 private:
  static constexpr uint32_t Bit(PayloadType t) {
    unsigned v = static_cast<unsigned>(t);
    return v > 32 && v < 64 ? uint32_t{1} << (v - 32) : 0;
  }
  uint32_t bits_ = 0;
};

enum class Placement : uint8_t {
  kPlaintext,  // IKE_SA_INIT: no SK payload allowed
  kEncrypted,  // everything inside SK (or SKF); no plaintext payloads
};

struct ExchangeRules {
  ExchangeType exchange;
  bool response;
  Placement placement;
  PayloadSet allowed;
  PayloadSet repeatable;  // may appear more than once (N, V, CERT, CERTREQ, D)
  std::span<const PayloadSet> required_any;  // empty: nothing required
  PayloadSet child;       // all or none
  // Status notifies that, in a response, also exempt from `required_any`
  // and `child` (error notifies always do).
  std::span<const NotifyType> exempting;
  // "HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr} -->"
  const char* story;
};

// The table row for an exchange and direction, or nullptr if we have none
// (IKE_SESSION_RESUME, unknown exchange types).
const ExchangeRules* FindExchangeRules(ExchangeType exchange, bool response);

// Checks a decoded message against its row (direction from the header's
// Response flag). Unprotected INFORMATIONAL messages outside an IKE SA
// (§1.5, e.g. INVALID_IKE_SPI) are handled by the engine before this; here
// every exchange but IKE_SA_INIT must be protected. Errors: kUnknownExchange, kPayloadNotAllowed (not in the
// allowed set, repeated, or in the wrong place: plaintext where SK is
// required or vice versa), kPayloadMissing. A Message that still holds an
// unreassembled fragment is not checked (kInvalidFragment).
DecodeStatus CheckPayloadRules(const Message& m);

}  // namespace ikevpn::ike
