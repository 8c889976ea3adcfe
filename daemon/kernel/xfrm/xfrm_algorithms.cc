#include "daemon/kernel/xfrm/xfrm_algorithms.h"

#include <array>

namespace ikevpn::kernel::xfrm {

namespace {

using ike::EncrId;
using ike::IntegId;

constexpr std::array kEncr = {
    EncrAlgorithm{EncrId::kAesGcm16, "rfc4106(gcm(aes))", EncrKind::kAead, 128, 4, 0},
    EncrAlgorithm{EncrId::kAesGcm12, "rfc4106(gcm(aes))", EncrKind::kAead, 96, 4, 0},
    EncrAlgorithm{EncrId::kAesGcm8, "rfc4106(gcm(aes))", EncrKind::kAead, 64, 4, 0},
    EncrAlgorithm{EncrId::kAesCcm16, "rfc4309(ccm(aes))", EncrKind::kAead, 128, 3, 0},
    EncrAlgorithm{EncrId::kAesCcm12, "rfc4309(ccm(aes))", EncrKind::kAead, 96, 3, 0},
    EncrAlgorithm{EncrId::kAesCcm8, "rfc4309(ccm(aes))", EncrKind::kAead, 64, 3, 0},
    EncrAlgorithm{EncrId::kNullAuthAesGmac, "rfc4543(gcm(aes))", EncrKind::kAead, 128, 4, 0},
    EncrAlgorithm{EncrId::kChaCha20Poly1305, "rfc7539esp(chacha20,poly1305)", EncrKind::kAead, 128,
                  4, 256},
    EncrAlgorithm{EncrId::kAesCbc, "cbc(aes)", EncrKind::kCrypt, 0, 0, 0},
    EncrAlgorithm{EncrId::kAesCtr, "rfc3686(ctr(aes))", EncrKind::kCrypt, 0, 4, 0},
    EncrAlgorithm{EncrId::k3Des, "cbc(des3_ede)", EncrKind::kCrypt, 0, 0, 192},
    EncrAlgorithm{EncrId::kNull, "ecb(cipher_null)", EncrKind::kCrypt, 0, 0, 0},
};

constexpr std::array kInteg = {
    IntegAlgorithm{IntegId::kHmacSha2_256_128, "hmac(sha256)", 256, 128},
    IntegAlgorithm{IntegId::kHmacSha2_384_192, "hmac(sha384)", 384, 192},
    IntegAlgorithm{IntegId::kHmacSha2_512_256, "hmac(sha512)", 512, 256},
    IntegAlgorithm{IntegId::kHmacSha1_96, "hmac(sha1)", 160, 96},
    IntegAlgorithm{IntegId::kHmacMd5_96, "hmac(md5)", 128, 96},
    IntegAlgorithm{IntegId::kAesXcbc96, "xcbc(aes)", 128, 96},
    IntegAlgorithm{IntegId::kAesCmac96, "cmac(aes)", 128, 96},
};

template <typename Table, typename Pred>
auto FindIn(const Table& table, Pred pred) -> std::optional<typename Table::value_type> {
  for (const auto& a : table) {
    if (pred(a)) return a;
  }
  return std::nullopt;
}

}  // namespace

std::optional<EncrAlgorithm> FindEncr(ike::EncrId id) {
  return FindIn(kEncr, [id](const EncrAlgorithm& a) { return a.id == id; });
}

std::optional<EncrAlgorithm> FindEncrByKernelName(std::string_view name, uint16_t icv_bits) {
  return FindIn(kEncr, [&](const EncrAlgorithm& a) {
    return a.kernel_name == name && (a.kind == EncrKind::kCrypt || a.icv_bits == icv_bits);
  });
}

std::optional<IntegAlgorithm> FindInteg(ike::IntegId id) {
  return FindIn(kInteg, [id](const IntegAlgorithm& a) { return a.id == id; });
}

std::optional<IntegAlgorithm> FindIntegByKernelName(std::string_view name, uint16_t trunc_bits) {
  return FindIn(kInteg, [&](const IntegAlgorithm& a) {
    return a.kernel_name == name && a.trunc_bits == trunc_bits;
  });
}

}  // namespace ikevpn::kernel::xfrm
