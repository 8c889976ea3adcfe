#include "daemon/ike/crypto/hmac.h"

#include <openssl/core_names.h>

#include <string>

#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto::internal {

void Hmac::CtxFree::operator()(evp_mac_ctx_st* ctx) const { EVP_MAC_CTX_free(ctx); }

Result<Hmac> Hmac::Create(std::string_view digest) {
  EVP_MAC* mac = HmacMac();
  if (mac == nullptr) return OsslError(Code::kUnsupported, "HMAC not available");
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return OsslError(Code::kInternal, "EVP_MAC_CTX_new");
  std::string name(digest);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name.data(), 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_CTX_set_params(ctx.get(), params) != 1) {
    return OsslError(Code::kUnsupported, "HMAC digest " + name);
  }
  // The context only knows its size once keyed; ask the digest instead.
  const EVP_MD* md = FetchedMd(name);
  const int size = md != nullptr ? EVP_MD_get_size(md) : 0;
  if (size <= 0 || static_cast<size_t>(size) > kMaxOutputSize) {
    return Status(Code::kInternal, "HMAC output size");
  }
  return Hmac(ctx.release(), static_cast<size_t>(size));
}

Status Hmac::SetKey(ByteSpan key) {
  // EVP_MAC_init treats a NULL key as "keep the old one"; an empty key must
  // still be a key.
  static const uint8_t kEmpty = 0;
  const uint8_t* p = key.empty() ? &kEmpty : key.data();
  if (EVP_MAC_init(ctx_.get(), p, key.size(), nullptr) != 1) {
    return OsslError(Code::kInternal, "HMAC key");
  }
  return Status::Ok();
}

Status Hmac::Restart() {
  if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) {
    return OsslError(Code::kInternal, "HMAC restart");
  }
  return Status::Ok();
}

Status Hmac::Update(ByteSpan data) {
  if (EVP_MAC_update(ctx_.get(), data.data(), data.size()) != 1) {
    return OsslError(Code::kInternal, "HMAC update");
  }
  return Status::Ok();
}

Status Hmac::Final(uint8_t* out) {
  size_t len = 0;
  if (EVP_MAC_final(ctx_.get(), out, &len, output_size_) != 1 || len != output_size_) {
    return OsslError(Code::kInternal, "HMAC final");
  }
  return Status::Ok();
}

}  // namespace ikevpn::crypto::internal
