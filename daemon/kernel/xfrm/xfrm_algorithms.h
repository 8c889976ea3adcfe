// The one table that maps IKEv2 transform ids to Linux crypto API names as
// xfrm wants them, with the ICV / truncation lengths and the salt that
// follows the key (RFC 4106 §8.1, RFC 4309 §7.1, RFC 3686 §5.1, RFC 7634 §2).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "daemon/ike/constants.h"

namespace ikevpn::kernel::xfrm {

enum class EncrKind : uint8_t {
  kAead,   // XFRMA_ALG_AEAD (no separate integrity)
  kCrypt,  // XFRMA_ALG_CRYPT (needs XFRMA_ALG_AUTH_TRUNC)
};

struct EncrAlgorithm {
  ike::EncrId id;
  std::string_view kernel_name;
  EncrKind kind;
  uint16_t icv_bits;    // AEAD only
  uint8_t salt_bytes;   // bytes after the key in SaData::encr_key
  uint16_t fixed_key_bits;  // 0: key length comes from the proposal
};

struct IntegAlgorithm {
  ike::IntegId id;
  std::string_view kernel_name;
  uint16_t key_bits;
  uint16_t trunc_bits;
};

std::optional<EncrAlgorithm> FindEncr(ike::EncrId id);
std::optional<EncrAlgorithm> FindEncrByKernelName(std::string_view name, uint16_t icv_bits);
std::optional<IntegAlgorithm> FindInteg(ike::IntegId id);
std::optional<IntegAlgorithm> FindIntegByKernelName(std::string_view name, uint16_t trunc_bits);

}  // namespace ikevpn::kernel::xfrm
