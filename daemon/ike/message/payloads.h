// The typed payloads of an IKEv2 message (RFC 7296 §3.2–§3.16) as plain
// values. Decoding fills them; encoding writes them. None of them carries a
// Next Payload field, a length or a critical bit: the message encoder sets
// the chain and the lengths, and the critical bit is zero for every payload
// type defined in RFC 7296 (§3.2).
//
// A Payload is a std::variant over these types; each type names its wire
// type in kType, so `PayloadTypeOf(p)` needs no switch.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/proposal.h"

namespace ikevpn::ike {

// Bounds the decoder enforces (and the encoder refuses to exceed).
inline constexpr size_t kMaxMessageSize = 64 * 1024;  // whole IKE message, bytes
inline constexpr size_t kMaxPayloads = 64;            // per chain (outer or inner)
inline constexpr size_t kMaxProposals = 64;           // per SA payload
inline constexpr size_t kMaxTransforms = 64;          // per proposal
inline constexpr size_t kMaxTransformAttributes = 16;  // per transform
inline constexpr size_t kMaxTrafficSelectors = 64;    // per TS payload
inline constexpr size_t kMaxCfgAttributes = 64;       // per CP payload
inline constexpr size_t kMaxDeleteSpis = 1024;        // per Delete payload
inline constexpr size_t kMinNonceSize = 16;           // RFC 7296 §3.9
inline constexpr size_t kMaxNonceSize = 256;
// RFC 3947/7296: length of a NAT_DETECTION_*_IP hash (SHA-1).
inline constexpr size_t kNatDetectionHashSize = 20;

// §3.3 SA. Decoding drops proposals with an unknown protocol or transform
// type and transforms with unknown attributes (§3.3.6); what remains keeps
// its proposal number so a response can echo it.
struct SaPayload {
  static constexpr PayloadType kType = PayloadType::kSa;
  Proposals proposals;
  friend bool operator==(const SaPayload&, const SaPayload&) = default;
};

// §3.4 Key Exchange. `group` is the raw Transform ID (may be unknown to us:
// the engine answers INVALID_KE_PAYLOAD); `data` is not length-checked
// against the group here (the crypto layer does that).
struct KePayload {
  static constexpr PayloadType kType = PayloadType::kKe;
  KeId group = KeId::kNone;
  Bytes data;
  friend bool operator==(const KePayload&, const KePayload&) = default;
};

// §3.5 Identification, IDi and IDr. For ID_IPV4_ADDR / ID_IPV6_ADDR the
// decoder checks that data is 4 / 16 bytes; other types are opaque.
template <PayloadType T>
struct IdPayloadOf {
  static constexpr PayloadType kType = T;
  IdType type = IdType::kFqdn;
  Bytes data;
  friend bool operator==(const IdPayloadOf&, const IdPayloadOf&) = default;
};
using IdiPayload = IdPayloadOf<PayloadType::kIdi>;
using IdrPayload = IdPayloadOf<PayloadType::kIdr>;

// §3.6 Certificate.
struct CertPayload {
  static constexpr PayloadType kType = PayloadType::kCert;
  CertEncoding encoding = CertEncoding::kX509Signature;
  Bytes data;
  friend bool operator==(const CertPayload&, const CertPayload&) = default;
};

// §3.7 Certificate Request. For X.509 `authorities` is a concatenation of
// 20-byte SHA-1 hashes of CA public keys (not checked here).
struct CertReqPayload {
  static constexpr PayloadType kType = PayloadType::kCertReq;
  CertEncoding encoding = CertEncoding::kX509Signature;
  Bytes authorities;
  friend bool operator==(const CertReqPayload&, const CertReqPayload&) = default;
};

// §3.8 Authentication.
struct AuthPayload {
  static constexpr PayloadType kType = PayloadType::kAuth;
  AuthMethod method = AuthMethod::kSharedKey;
  Bytes data;
  friend bool operator==(const AuthPayload&, const AuthPayload&) = default;
};

// §3.9 Nonce: 16..256 bytes (checked both ways).
struct NoncePayload {
  static constexpr PayloadType kType = PayloadType::kNonce;
  Bytes nonce;
  friend bool operator==(const NoncePayload&, const NoncePayload&) = default;
};

// §3.10 Notify. `type` may hold values not in NotifyType (unknown status
// notifies must be ignored by the engine, unknown errors treated as fatal
// for the request, §3.10.1). `spi` is empty, 4 (ESP/AH) or 8 bytes.
struct NotifyPayload {
  static constexpr PayloadType kType = PayloadType::kNotify;
  ProtocolId protocol = ProtocolId::kNone;
  Bytes spi;
  NotifyType type = NotifyType::kInitialContact;
  Bytes data;
  friend bool operator==(const NotifyPayload&, const NotifyPayload&) = default;
};

// §3.11 Delete. For protocol IKE there are no SPIs (the IKE SA of the
// message is meant); for ESP/AH each SPI is 4 bytes, host order here.
struct DeletePayload {
  static constexpr PayloadType kType = PayloadType::kDelete;
  ProtocolId protocol = ProtocolId::kEsp;
  std::vector<uint32_t> spis;
  friend bool operator==(const DeletePayload&, const DeletePayload&) = default;
};

// §3.12 Vendor ID: opaque.
struct VendorIdPayload {
  static constexpr PayloadType kType = PayloadType::kVendorId;
  Bytes id;
  friend bool operator==(const VendorIdPayload&, const VendorIdPayload&) = default;
};

// §3.13 Traffic Selector, TSi and TSr (TS types 7 and 8 only; any other
// type is INVALID_SYNTAX).
template <PayloadType T>
struct TsPayloadOf {
  static constexpr PayloadType kType = T;
  TrafficSelectors selectors;
  friend bool operator==(const TsPayloadOf&, const TsPayloadOf&) = default;
};
using TsiPayload = TsPayloadOf<PayloadType::kTsi>;
using TsrPayload = TsPayloadOf<PayloadType::kTsr>;

// §3.15 Configuration. `type` of an attribute is the 15-bit type (the R bit
// is ignored on receipt and sent as zero); `value` may be empty (a request
// for that attribute).
struct CfgAttribute {
  uint16_t type = 0;  // CfgAttr values and others
  Bytes value;
  friend bool operator==(const CfgAttribute&, const CfgAttribute&) = default;
};
struct CpPayload {
  static constexpr PayloadType kType = PayloadType::kCp;
  CfgType type = CfgType::kRequest;
  std::vector<CfgAttribute> attributes;
  friend bool operator==(const CpPayload&, const CpPayload&) = default;
};

// §3.16 EAP: the whole EAP message, opaque to the codec.
struct EapPayload {
  static constexpr PayloadType kType = PayloadType::kEap;
  Bytes message;
  friend bool operator==(const EapPayload&, const EapPayload&) = default;
};

// SK (§3.14) and SKF (RFC 7383) are not payload values: they are how a
// Message's inner payloads travel (see message.h / protection.h).
using Payload = std::variant<SaPayload, KePayload, IdiPayload, IdrPayload, CertPayload,
                             CertReqPayload, AuthPayload, NoncePayload, NotifyPayload,
                             DeletePayload, VendorIdPayload, TsiPayload, TsrPayload, CpPayload,
                             EapPayload>;
using Payloads = std::vector<Payload>;

inline PayloadType PayloadTypeOf(const Payload& p) {
  return std::visit([](const auto& v) { return std::decay_t<decltype(v)>::kType; }, p);
}

// A notify with no SPI, the common case: MakeNotify(kCookie, cookie).
inline NotifyPayload MakeNotify(NotifyType type, Bytes data = {}) {
  return NotifyPayload{ProtocolId::kNone, {}, type, std::move(data)};
}

}  // namespace ikevpn::ike
