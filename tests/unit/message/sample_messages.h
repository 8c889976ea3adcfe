// Typical messages for tests, the fuzz seeds and the benchmark, built from
// typed payloads: an IKE_SA_INIT request and an IKE_AUTH request (PSK, one
// CHILD_SA) as an initiator would send them.
#pragma once

#include "daemon/base/rng.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike::testing {

inline constexpr uint64_t kSpiI = 0x0102030405060708ull;
inline constexpr uint64_t kSpiR = 0x1112131415161718ull;

inline IkeHeader SampleHeader(ExchangeType exchange, uint32_t message_id, bool response = false) {
  IkeHeader h;
  h.spi_i = kSpiI;
  h.spi_r = exchange == ExchangeType::kIkeSaInit && !response ? 0 : kSpiR;
  h.exchange = exchange;
  h.flags = response ? kFlagResponse : kFlagInitiator;
  h.message_id = message_id;
  return h;
}

inline Bytes Filled(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

// HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP),
// N(IKEV2_FRAGMENTATION_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS)
inline Payloads SampleIkeSaInitPayloads() {
  Proposal gcm{1, ProtocolId::kIke, {},
               {{TransformType::kEncr, static_cast<uint16_t>(EncrId::kAesGcm16), 256},
                {TransformType::kPrf, static_cast<uint16_t>(PrfId::kHmacSha2_256), 0},
                {TransformType::kKe, static_cast<uint16_t>(KeId::kCurve25519), 0}}};
  Proposal cbc{2, ProtocolId::kIke, {},
               {{TransformType::kEncr, static_cast<uint16_t>(EncrId::kAesCbc), 128},
                {TransformType::kInteg, static_cast<uint16_t>(IntegId::kHmacSha2_256_128), 0},
                {TransformType::kPrf, static_cast<uint16_t>(PrfId::kHmacSha2_256), 0},
                {TransformType::kKe, static_cast<uint16_t>(KeId::kCurve25519), 0}}};
  return {SaPayload{{gcm, cbc}},
          KePayload{KeId::kCurve25519, Filled(32, 1)},
          NoncePayload{Filled(32, 2)},
          MakeNotify(NotifyType::kNatDetectionSourceIp, Filled(kNatDetectionHashSize, 3)),
          MakeNotify(NotifyType::kNatDetectionDestinationIp, Filled(kNatDetectionHashSize, 4)),
          MakeNotify(NotifyType::kIkev2FragmentationSupported),
          MakeNotify(NotifyType::kSignatureHashAlgorithms, {0, 2, 0, 3, 0, 4})};
}

// SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, SAi2, TSi, TSr}
inline Payloads SampleIkeAuthPayloads() {
  Proposal esp{1, ProtocolId::kEsp, {0xc1, 0x00, 0x00, 0x01},
               {{TransformType::kEncr, static_cast<uint16_t>(EncrId::kAesGcm16), 256},
                {TransformType::kEsn, static_cast<uint16_t>(EsnId::kNoEsn), 0}}};
  auto ts = [](const char* text) { return *TrafficSelector::Parse(text); };
  return {IdiPayload{IdType::kFqdn, Filled(20, 5)},
          MakeNotify(NotifyType::kInitialContact),
          IdrPayload{IdType::kFqdn, Filled(20, 6)},
          AuthPayload{AuthMethod::kSharedKey, Filled(32, 7)},
          SaPayload{{esp}},
          TsiPayload{{ts("10.1.0.0/16")}},
          TsrPayload{{ts("10.2.0.0/16"), ts("2001:db8::/32")}}};
}

}  // namespace ikevpn::ike::testing
