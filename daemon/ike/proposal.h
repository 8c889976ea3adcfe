// Proposals and transforms as values (RFC 7296 §3.3): what the config layer
// produces from "aes256gcm16-prfsha384-x25519", what the SA payload codec
// encodes, and what proposal selection compares.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/ike/constants.h"

namespace ikevpn::ike {

struct Transform {
  TransformType type = TransformType::kEncr;
  uint16_t id = 0;
  uint16_t key_length = 0;  // bits, from the Key Length attribute; 0 = absent

  friend bool operator==(const Transform&, const Transform&) = default;
};

struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::kIke;
  Bytes spi;  // empty in IKE_SA_INIT; 8 bytes for IKE rekey; 4 for ESP/AH
  std::vector<Transform> transforms;

  friend bool operator==(const Proposal&, const Proposal&) = default;
};

using Proposals = std::vector<Proposal>;

}  // namespace ikevpn::ike
