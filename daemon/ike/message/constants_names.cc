// Readable names of protocol constants for logs (declared at the bottom of
// daemon/ike/constants.h). Names follow the IANA "IKEv2 Parameters"
// registry. Unknown values render as their decimal number.
#include <array>
#include <charconv>
#include <string>

#include "daemon/ike/constants.h"

namespace ikevpn::ike {
namespace {

// "0".."255", built once; the views stay valid for the program's life.
std::string_view U8Number(uint8_t v) {
  static const std::array<std::string, 256> kNumbers = [] {
    std::array<std::string, 256> a;
    for (size_t i = 0; i < a.size(); ++i) a[i] = std::to_string(i);
    return a;
  }();
  return kNumbers[v];
}

// 16-bit values: a small per-thread ring of buffers. A view stays valid
// until 16 more unknown 16-bit values have been rendered on the same thread,
// which is plenty for one log line.
std::string_view U16Number(uint16_t v) {
  constexpr size_t kSlots = 16;
  thread_local std::array<std::array<char, 8>, kSlots> ring;
  thread_local size_t next = 0;
  auto& buf = ring[next++ % kSlots];
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  (void)ec;  // five digits always fit
  return {buf.data(), static_cast<size_t>(end - buf.data())};
}

}  // namespace

std::string_view ToString(ExchangeType t) {
  switch (t) {
    case ExchangeType::kIkeSaInit: return "IKE_SA_INIT";
    case ExchangeType::kIkeAuth: return "IKE_AUTH";
    case ExchangeType::kCreateChildSa: return "CREATE_CHILD_SA";
    case ExchangeType::kInformational: return "INFORMATIONAL";
    case ExchangeType::kIkeSessionResume: return "IKE_SESSION_RESUME";
    case ExchangeType::kIkeIntermediate: return "IKE_INTERMEDIATE";
  }
  return U8Number(static_cast<uint8_t>(t));
}

std::string_view ToString(PayloadType t) {
  switch (t) {
    case PayloadType::kNone: return "NONE";
    case PayloadType::kSa: return "SA";
    case PayloadType::kKe: return "KE";
    case PayloadType::kIdi: return "IDi";
    case PayloadType::kIdr: return "IDr";
    case PayloadType::kCert: return "CERT";
    case PayloadType::kCertReq: return "CERTREQ";
    case PayloadType::kAuth: return "AUTH";
    case PayloadType::kNonce: return "No";
    case PayloadType::kNotify: return "N";
    case PayloadType::kDelete: return "D";
    case PayloadType::kVendorId: return "V";
    case PayloadType::kTsi: return "TSi";
    case PayloadType::kTsr: return "TSr";
    case PayloadType::kSk: return "SK";
    case PayloadType::kCp: return "CP";
    case PayloadType::kEap: return "EAP";
    case PayloadType::kSkf: return "SKF";
  }
  return U8Number(static_cast<uint8_t>(t));
}

std::string_view ToString(ProtocolId t) {
  switch (t) {
    case ProtocolId::kNone: return "NONE";
    case ProtocolId::kIke: return "IKE";
    case ProtocolId::kAh: return "AH";
    case ProtocolId::kEsp: return "ESP";
  }
  return U8Number(static_cast<uint8_t>(t));
}

std::string_view ToString(TransformType t) {
  switch (t) {
    case TransformType::kEncr: return "ENCR";
    case TransformType::kPrf: return "PRF";
    case TransformType::kInteg: return "INTEG";
    case TransformType::kKe: return "KE";
    case TransformType::kEsn: return "ESN";
  }
  return U8Number(static_cast<uint8_t>(t));
}

std::string_view ToString(NotifyType t) {
  switch (t) {
    case NotifyType::kUnsupportedCriticalPayload: return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case NotifyType::kInvalidIkeSpi: return "INVALID_IKE_SPI";
    case NotifyType::kInvalidMajorVersion: return "INVALID_MAJOR_VERSION";
    case NotifyType::kInvalidSyntax: return "INVALID_SYNTAX";
    case NotifyType::kInvalidMessageId: return "INVALID_MESSAGE_ID";
    case NotifyType::kInvalidSpi: return "INVALID_SPI";
    case NotifyType::kNoProposalChosen: return "NO_PROPOSAL_CHOSEN";
    case NotifyType::kInvalidKePayload: return "INVALID_KE_PAYLOAD";
    case NotifyType::kAuthenticationFailed: return "AUTHENTICATION_FAILED";
    case NotifyType::kSinglePairRequired: return "SINGLE_PAIR_REQUIRED";
    case NotifyType::kNoAdditionalSas: return "NO_ADDITIONAL_SAS";
    case NotifyType::kInternalAddressFailure: return "INTERNAL_ADDRESS_FAILURE";
    case NotifyType::kFailedCpRequired: return "FAILED_CP_REQUIRED";
    case NotifyType::kTsUnacceptable: return "TS_UNACCEPTABLE";
    case NotifyType::kInvalidSelectors: return "INVALID_SELECTORS";
    case NotifyType::kUnacceptableAddresses: return "UNACCEPTABLE_ADDRESSES";
    case NotifyType::kUnexpectedNatDetected: return "UNEXPECTED_NAT_DETECTED";
    case NotifyType::kTemporaryFailure: return "TEMPORARY_FAILURE";
    case NotifyType::kChildSaNotFound: return "CHILD_SA_NOT_FOUND";
    case NotifyType::kAuthorizationFailed: return "AUTHORIZATION_FAILED";
    case NotifyType::kInitialContact: return "INITIAL_CONTACT";
    case NotifyType::kSetWindowSize: return "SET_WINDOW_SIZE";
    case NotifyType::kAdditionalTsPossible: return "ADDITIONAL_TS_POSSIBLE";
    case NotifyType::kIpcompSupported: return "IPCOMP_SUPPORTED";
    case NotifyType::kNatDetectionSourceIp: return "NAT_DETECTION_SOURCE_IP";
    case NotifyType::kNatDetectionDestinationIp: return "NAT_DETECTION_DESTINATION_IP";
    case NotifyType::kCookie: return "COOKIE";
    case NotifyType::kUseTransportMode: return "USE_TRANSPORT_MODE";
    case NotifyType::kHttpCertLookupSupported: return "HTTP_CERT_LOOKUP_SUPPORTED";
    case NotifyType::kRekeySa: return "REKEY_SA";
    case NotifyType::kEspTfcPaddingNotSupported: return "ESP_TFC_PADDING_NOT_SUPPORTED";
    case NotifyType::kNonFirstFragmentsAlso: return "NON_FIRST_FRAGMENTS_ALSO";
    case NotifyType::kMobikeSupported: return "MOBIKE_SUPPORTED";
    case NotifyType::kAdditionalIp4Address: return "ADDITIONAL_IP4_ADDRESS";
    case NotifyType::kAdditionalIp6Address: return "ADDITIONAL_IP6_ADDRESS";
    case NotifyType::kNoAdditionalAddresses: return "NO_ADDITIONAL_ADDRESSES";
    case NotifyType::kUpdateSaAddresses: return "UPDATE_SA_ADDRESSES";
    case NotifyType::kCookie2: return "COOKIE2";
    case NotifyType::kNoNatsAllowed: return "NO_NATS_ALLOWED";
    case NotifyType::kAuthLifetime: return "AUTH_LIFETIME";
    case NotifyType::kMultipleAuthSupported: return "MULTIPLE_AUTH_SUPPORTED";
    case NotifyType::kAnotherAuthFollows: return "ANOTHER_AUTH_FOLLOWS";
    case NotifyType::kRedirectSupported: return "REDIRECT_SUPPORTED";
    case NotifyType::kRedirect: return "REDIRECT";
    case NotifyType::kRedirectedFrom: return "REDIRECTED_FROM";
    case NotifyType::kEapOnlyAuthentication: return "EAP_ONLY_AUTHENTICATION";
    case NotifyType::kChildlessIkev2Supported: return "CHILDLESS_IKEV2_SUPPORTED";
    case NotifyType::kIkev2MessageIdSyncSupported: return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED";
    case NotifyType::kIkev2FragmentationSupported: return "IKEV2_FRAGMENTATION_SUPPORTED";
    case NotifyType::kSignatureHashAlgorithms: return "SIGNATURE_HASH_ALGORITHMS";
  }
  return U16Number(static_cast<uint16_t>(t));
}

std::string_view ToString(AuthMethod t) {
  switch (t) {
    case AuthMethod::kRsaSig: return "RSA_SIG";
    case AuthMethod::kSharedKey: return "SHARED_KEY";
    case AuthMethod::kDss: return "DSS";
    case AuthMethod::kEcdsaSha256P256: return "ECDSA_SHA256_P256";
    case AuthMethod::kEcdsaSha384P384: return "ECDSA_SHA384_P384";
    case AuthMethod::kEcdsaSha512P521: return "ECDSA_SHA512_P521";
    case AuthMethod::kNull: return "NULL";
    case AuthMethod::kDigitalSignature: return "DIGITAL_SIGNATURE";
  }
  return U8Number(static_cast<uint8_t>(t));
}

std::string_view ToString(IdType t) {
  switch (t) {
    case IdType::kIpv4Addr: return "ID_IPV4_ADDR";
    case IdType::kFqdn: return "ID_FQDN";
    case IdType::kRfc822Addr: return "ID_RFC822_ADDR";
    case IdType::kIpv6Addr: return "ID_IPV6_ADDR";
    case IdType::kDerAsn1Dn: return "ID_DER_ASN1_DN";
    case IdType::kDerAsn1Gn: return "ID_DER_ASN1_GN";
    case IdType::kKeyId: return "ID_KEY_ID";
  }
  return U8Number(static_cast<uint8_t>(t));
}

}  // namespace ikevpn::ike
