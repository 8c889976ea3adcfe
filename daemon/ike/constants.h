// Every IKEv2 protocol constant, from the IANA "IKEv2 Parameters" registry
// (RFC 7296 §3 and the RFCs named per enum). One place, so a number never
// appears twice. Names follow the registry.
#pragma once

#include <cstdint>
#include <string_view>

namespace ikevpn::ike {

inline constexpr uint8_t kIkeMajorVersion = 2;
inline constexpr uint8_t kIkeMinorVersion = 0;
inline constexpr uint16_t kIkePort = 500;
inline constexpr uint16_t kNatTPort = 4500;
inline constexpr size_t kIkeHeaderSize = 28;
inline constexpr size_t kGenericPayloadHeaderSize = 4;
// RFC 3948 §2.2: 4 zero octets before an IKE message on port 4500.
inline constexpr size_t kNonEspMarkerSize = 4;

// RFC 7296 §3.1 header flags.
inline constexpr uint8_t kFlagInitiator = 0x08;
inline constexpr uint8_t kFlagVersion = 0x10;
inline constexpr uint8_t kFlagResponse = 0x20;
// RFC 7296 §3.2: the critical bit of a generic payload header.
inline constexpr uint8_t kFlagCritical = 0x80;

enum class ExchangeType : uint8_t {
  kIkeSaInit = 34,
  kIkeAuth = 35,
  kCreateChildSa = 36,
  kInformational = 37,
  kIkeSessionResume = 38,  // RFC 5723
  kIkeIntermediate = 43,   // RFC 9242
};

enum class PayloadType : uint8_t {
  kNone = 0,
  kSa = 33,
  kKe = 34,
  kIdi = 35,
  kIdr = 36,
  kCert = 37,
  kCertReq = 38,
  kAuth = 39,
  kNonce = 40,
  kNotify = 41,
  kDelete = 42,
  kVendorId = 43,
  kTsi = 44,
  kTsr = 45,
  kSk = 46,
  kCp = 47,
  kEap = 48,
  kSkf = 53,  // RFC 7383
};

enum class ProtocolId : uint8_t {
  kNone = 0,
  kIke = 1,
  kAh = 2,
  kEsp = 3,
};

enum class TransformType : uint8_t {
  kEncr = 1,
  kPrf = 2,
  kInteg = 3,
  kKe = 4,  // "D-H" before RFC 9370
  kEsn = 5,
};

enum class EncrId : uint16_t {
  kDes = 2,
  k3Des = 3,
  kNull = 11,
  kAesCbc = 12,
  kAesCtr = 13,
  kAesCcm8 = 14,
  kAesCcm12 = 15,
  kAesCcm16 = 16,
  kAesGcm8 = 18,
  kAesGcm12 = 19,
  kAesGcm16 = 20,
  kNullAuthAesGmac = 21,
  kChaCha20Poly1305 = 28,  // RFC 7634
};

enum class PrfId : uint16_t {
  kHmacMd5 = 1,
  kHmacSha1 = 2,
  kAes128Xcbc = 4,
  kHmacSha2_256 = 5,
  kHmacSha2_384 = 6,
  kHmacSha2_512 = 7,
  kAes128Cmac = 8,
};

enum class IntegId : uint16_t {
  kNone = 0,
  kHmacMd5_96 = 1,
  kHmacSha1_96 = 2,
  kAesXcbc96 = 5,
  kAesCmac96 = 8,
  kHmacSha2_256_128 = 12,
  kHmacSha2_384_192 = 13,
  kHmacSha2_512_256 = 14,
};

// Transform type 4, "Key Exchange Method" (RFC 7296 §3.3.2, RFC 8031, RFC 5903).
enum class KeId : uint16_t {
  kNone = 0,
  kModp1024 = 2,
  kModp1536 = 5,
  kModp2048 = 14,
  kModp3072 = 15,
  kModp4096 = 16,
  kModp6144 = 17,
  kModp8192 = 18,
  kEcp256 = 19,
  kEcp384 = 20,
  kEcp521 = 21,
  kCurve25519 = 31,
  kCurve448 = 32,
};

enum class EsnId : uint16_t {
  kNoEsn = 0,
  kEsn = 1,
};

// RFC 7296 §3.3.5 transform attributes (TV format when the AF bit is set).
inline constexpr uint16_t kAttrFormatTv = 0x8000;
enum class TransformAttr : uint16_t {
  kKeyLength = 14,
};

// RFC 7296 §3.5.
enum class IdType : uint8_t {
  kIpv4Addr = 1,
  kFqdn = 2,
  kRfc822Addr = 3,
  kIpv6Addr = 5,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
};

// RFC 7296 §3.6.
enum class CertEncoding : uint8_t {
  kPkcs7 = 1,
  kPgp = 2,
  kDnsSignedKey = 3,
  kX509Signature = 4,
  kKerberos = 6,
  kCrl = 7,
  kArl = 8,
  kSpki = 9,
  kX509Attribute = 10,
  kRawRsaKey = 11,
  kHashUrlX509Cert = 12,
  kHashUrlX509Bundle = 13,
};

// RFC 7296 §3.8, RFC 4754, RFC 7427.
enum class AuthMethod : uint8_t {
  kRsaSig = 1,
  kSharedKey = 2,
  kDss = 3,
  kEcdsaSha256P256 = 9,
  kEcdsaSha384P384 = 10,
  kEcdsaSha512P521 = 11,
  kNull = 13,  // RFC 7619
  kDigitalSignature = 14,  // RFC 7427
};

// RFC 7427 §7 hash algorithms, sent in SIGNATURE_HASH_ALGORITHMS.
enum class HashAlgorithm : uint16_t {
  kSha1 = 1,
  kSha2_256 = 2,
  kSha2_384 = 3,
  kSha2_512 = 4,
  kIdentity = 5,  // RFC 8420, for Ed25519/Ed448
};

// RFC 7296 §3.10.1 (errors 1..16383) and status types (16384..).
enum class NotifyType : uint16_t {
  // Errors.
  kUnsupportedCriticalPayload = 1,
  kInvalidIkeSpi = 4,
  kInvalidMajorVersion = 5,
  kInvalidSyntax = 7,
  kInvalidMessageId = 9,
  kInvalidSpi = 11,
  kNoProposalChosen = 14,
  kInvalidKePayload = 17,
  kAuthenticationFailed = 24,
  kSinglePairRequired = 34,
  kNoAdditionalSas = 35,
  kInternalAddressFailure = 36,
  kFailedCpRequired = 37,
  kTsUnacceptable = 38,
  kInvalidSelectors = 39,
  kUnacceptableAddresses = 40,  // RFC 4555
  kUnexpectedNatDetected = 41,  // RFC 4555
  kTemporaryFailure = 43,
  kChildSaNotFound = 44,
  kAuthorizationFailed = 46,  // RFC 7296 (was 4306bis)
  // Status.
  kInitialContact = 16384,
  kSetWindowSize = 16385,
  kAdditionalTsPossible = 16386,
  kIpcompSupported = 16387,
  kNatDetectionSourceIp = 16388,
  kNatDetectionDestinationIp = 16389,
  kCookie = 16390,
  kUseTransportMode = 16391,
  kHttpCertLookupSupported = 16392,
  kRekeySa = 16393,
  kEspTfcPaddingNotSupported = 16394,
  kNonFirstFragmentsAlso = 16395,
  kMobikeSupported = 16396,          // RFC 4555
  kAdditionalIp4Address = 16397,     // RFC 4555
  kAdditionalIp6Address = 16398,     // RFC 4555
  kNoAdditionalAddresses = 16399,    // RFC 4555
  kUpdateSaAddresses = 16400,        // RFC 4555
  kCookie2 = 16401,                  // RFC 4555
  kNoNatsAllowed = 16402,            // RFC 4555
  kAuthLifetime = 16403,             // RFC 4478
  kMultipleAuthSupported = 16404,    // RFC 4739
  kAnotherAuthFollows = 16405,       // RFC 4739
  kRedirectSupported = 16406,        // RFC 5685
  kRedirect = 16407,
  kRedirectedFrom = 16408,
  kEapOnlyAuthentication = 16417,    // RFC 5998
  kChildlessIkev2Supported = 16418,  // RFC 6023
  kIkev2MessageIdSyncSupported = 16420,  // RFC 6311
  kIkev2FragmentationSupported = 16430,  // RFC 7383
  kSignatureHashAlgorithms = 16431,      // RFC 7427
};

inline constexpr uint16_t kFirstStatusNotify = 16384;
inline constexpr bool IsErrorNotify(uint16_t type) { return type < kFirstStatusNotify; }

// RFC 7296 §3.13.1.
enum class TsType : uint8_t {
  kIpv4AddrRange = 7,
  kIpv6AddrRange = 8,
};

// RFC 7296 §3.15.
enum class CfgType : uint8_t {
  kRequest = 1,
  kReply = 2,
  kSet = 3,
  kAck = 4,
};

// RFC 7296 §3.15.1, RFC 8598.
enum class CfgAttr : uint16_t {
  kInternalIp4Address = 1,
  kInternalIp4Netmask = 2,
  kInternalIp4Dns = 3,
  kInternalIp4Nbns = 4,
  kInternalIp4Dhcp = 6,
  kApplicationVersion = 7,
  kInternalIp6Address = 8,
  kInternalIp6Dns = 10,
  kInternalIp6Dhcp = 12,
  kInternalIp4Subnet = 13,
  kSupportedAttributes = 14,
  kInternalIp6Subnet = 15,
  kInternalDnsDomain = 25,
};

// Readable names for logs ("IKE_SA_INIT", "NO_PROPOSAL_CHOSEN", ...). Unknown
// values render as their number.
std::string_view ToString(ExchangeType t);
std::string_view ToString(PayloadType t);
std::string_view ToString(ProtocolId t);
std::string_view ToString(TransformType t);
std::string_view ToString(NotifyType t);
std::string_view ToString(AuthMethod t);
std::string_view ToString(IdType t);

}  // namespace ikevpn::ike
