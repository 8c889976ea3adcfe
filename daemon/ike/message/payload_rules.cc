// The payloads each exchange allows (see payload_rules.h for how to read a
// row). Message lines are RFC 7296 §1.2–§1.5 plus the extensions noted.
#include "daemon/ike/message/payload_rules.h"

#include <array>
#include <string>

namespace ikevpn::ike {
namespace {

using P = PayloadType;

constexpr PayloadSet kNone{};
constexpr std::array<PayloadSet, 1> kSaKeNonce = {PayloadSet{P::kSa, P::kKe, P::kNonce}};
constexpr std::array<PayloadSet, 1> kSaNonce = {PayloadSet{P::kSa, P::kNonce}};
// IKE_AUTH: initial (IDi [AUTH]), EAP round (EAP), final after EAP (AUTH).
constexpr std::array<PayloadSet, 3> kAuthRequest = {PayloadSet{P::kIdi}, PayloadSet{P::kEap},
                                                    PayloadSet{P::kAuth}};
constexpr std::array<PayloadSet, 3> kAuthResponse = {PayloadSet{P::kIdr}, PayloadSet{P::kEap},
                                                     PayloadSet{P::kAuth}};
// §2.6 cookie and RFC 5685 redirect answers stand in for the whole response.
constexpr std::array<NotifyType, 2> kInitExempt = {NotifyType::kCookie, NotifyType::kRedirect};

constexpr ExchangeRules kRules[] = {
    {ExchangeType::kIkeSaInit, false, Placement::kPlaintext,
     {P::kSa, P::kKe, P::kNonce, P::kNotify, P::kVendorId},
     {P::kNotify, P::kVendorId}, kSaKeNonce, kNone, {},
     "HDR, SAi1, KEi, Ni, [N+], [V+] -->"},
    {ExchangeType::kIkeSaInit, true, Placement::kPlaintext,
     {P::kSa, P::kKe, P::kNonce, P::kCertReq, P::kNotify, P::kVendorId},
     {P::kCertReq, P::kNotify, P::kVendorId}, kSaKeNonce, kNone, kInitExempt,
     "<-- HDR, SAr1, KEr, Nr, [CERTREQ], [N+], [V+]"},
    // RFC 4739 (multiple auth), RFC 5998 (EAP-only), RFC 6023 (childless).
    {ExchangeType::kIkeAuth, false, Placement::kEncrypted,
     {P::kIdi, P::kCert, P::kNotify, P::kCertReq, P::kIdr, P::kAuth, P::kCp, P::kSa, P::kTsi,
      P::kTsr, P::kVendorId, P::kEap},
     {P::kCert, P::kNotify, P::kCertReq, P::kVendorId}, kAuthRequest, {P::kSa, P::kTsi, P::kTsr},
     {}, "HDR, SK {IDi, [CERT+,] [N+,] [CERTREQ+,] [IDr,] AUTH, [CP,] SAi2, TSi, TSr, [V+]} -->"},
    {ExchangeType::kIkeAuth, true, Placement::kEncrypted,
     {P::kIdr, P::kCert, P::kAuth, P::kNotify, P::kCp, P::kSa, P::kTsi, P::kTsr, P::kVendorId,
      P::kEap},
     {P::kCert, P::kNotify, P::kVendorId}, kAuthResponse, {P::kSa, P::kTsi, P::kTsr}, {},
     "<-- HDR, SK {IDr, [CERT+,] AUTH, [CP,] [N+,] SAr2, TSi, TSr, [V+]}"},
    // New CHILD_SA, CHILD_SA rekey (N(REKEY_SA)) and IKE SA rekey (no TS).
    {ExchangeType::kCreateChildSa, false, Placement::kEncrypted,
     {P::kSa, P::kNonce, P::kKe, P::kTsi, P::kTsr, P::kNotify, P::kVendorId},
     {P::kNotify, P::kVendorId}, kSaNonce, {P::kTsi, P::kTsr}, {},
     "HDR, SK {[N+], SA, Ni, [KEi], [TSi, TSr]} -->"},
    {ExchangeType::kCreateChildSa, true, Placement::kEncrypted,
     {P::kSa, P::kNonce, P::kKe, P::kTsi, P::kTsr, P::kNotify, P::kVendorId},
     {P::kNotify, P::kVendorId}, kSaNonce, {P::kTsi, P::kTsr}, {},
     "<-- HDR, SK {[N+], SA, Nr, [KEr], [TSi, TSr]}"},
    {ExchangeType::kInformational, false, Placement::kEncrypted,
     {P::kNotify, P::kDelete, P::kCp, P::kVendorId},
     {P::kNotify, P::kDelete, P::kVendorId}, {}, kNone, {},
     "HDR, SK {[N,] [D,] [CP,] ...} -->"},
    {ExchangeType::kInformational, true, Placement::kEncrypted,
     {P::kNotify, P::kDelete, P::kCp, P::kVendorId},
     {P::kNotify, P::kDelete, P::kVendorId}, {}, kNone, {},
     "<-- HDR, SK {[N,] [D,] [CP], ...}"},
    // RFC 9242; KE for additional key exchanges (RFC 9370).
    {ExchangeType::kIkeIntermediate, false, Placement::kEncrypted,
     {P::kNotify, P::kVendorId, P::kKe}, {P::kNotify, P::kVendorId}, {}, kNone, {},
     "HDR, SK {[N+], [KEi(n)]} -->"},
    {ExchangeType::kIkeIntermediate, true, Placement::kEncrypted,
     {P::kNotify, P::kVendorId, P::kKe}, {P::kNotify, P::kVendorId}, {}, kNone, {},
     "<-- HDR, SK {[N+], [KEr(n)]}"},
};

DecodeFailure RuleFailure(DecodeError e, PayloadType p, const ExchangeRules& row,
                          std::string detail) {
  return DecodeFailure{e, p, 0, detail + " in " + row.story};
}

bool Exempt(const Message& m, const ExchangeRules& row) {
  if (!row.response) return false;
  if (m.FirstErrorNotify() != nullptr) return true;
  for (NotifyType t : row.exempting)
    if (m.HasNotify(t)) return true;
  return false;
}

}  // namespace

const ExchangeRules* FindExchangeRules(ExchangeType exchange, bool response) {
  for (const ExchangeRules& row : kRules)
    if (row.exchange == exchange && row.response == response) return &row;
  return nullptr;
}

DecodeStatus CheckPayloadRules(const Message& m) {
  if (m.fragment)
    return DecodeFailure{DecodeError::kInvalidFragment, PayloadType::kSkf, 0, "not reassembled"};
  const ExchangeRules* row = FindExchangeRules(m.header.exchange, m.header.response());
  if (row == nullptr)
    return DecodeFailure{DecodeError::kUnknownExchange, PayloadType::kNone, 0,
                         "exchange " + std::string(ToString(m.header.exchange))};
  if (row->placement == Placement::kPlaintext && m.encrypted)
    return RuleFailure(DecodeError::kPayloadNotAllowed, PayloadType::kSk, *row, "SK");
  if (row->placement == Placement::kEncrypted) {
    if (!m.encrypted) return RuleFailure(DecodeError::kPayloadMissing, PayloadType::kSk, *row, "SK");
    if (m.plaintext_count != 0)
      return RuleFailure(DecodeError::kPayloadNotAllowed, PayloadTypeOf(m.payloads[0]), *row,
                         "unprotected payload");
  }
  PayloadSet present;
  for (const Payload& p : m.payloads) {
    PayloadType t = PayloadTypeOf(p);
    if (!row->allowed.Contains(t))
      return RuleFailure(DecodeError::kPayloadNotAllowed, t, *row, "not allowed");
    if (present.Contains(t) && !row->repeatable.Contains(t))
      return RuleFailure(DecodeError::kPayloadNotAllowed, t, *row, "repeated");
    present.Add(t);
  }
  if (Exempt(m, *row)) return DecodeOk();
  if (!row->required_any.empty()) {
    bool met = false;
    for (PayloadSet need : row->required_any) met = met || present.ContainsAll(need);
    if (!met) return RuleFailure(DecodeError::kPayloadMissing, PayloadType::kNone, *row,
                                 "required payloads missing");
  }
  if (present.ContainsAny(row->child) && !present.ContainsAll(row->child))
    return RuleFailure(DecodeError::kPayloadMissing, PayloadType::kNone, *row,
                       "CHILD_SA payloads incomplete");
  return DecodeOk();
}

}  // namespace ikevpn::ike
