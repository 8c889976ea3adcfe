// AES-CBC (RFC 3602) with HMAC-SHA1-96 (RFC 2404) or HMAC-SHA2 (RFC 4868):
// encrypt-then-MAC, ICV = HMAC(aad | iv | ciphertext | aad_tail) truncated.
//
// Each direction has its own EVP context (CBC decryption needs a different
// AES key schedule), created on the first Seal or Open and then only
// re-initialised with the IV. The HMAC key is set once; each packet only
// resets the keyed HMAC state. No allocation per packet after the first.
#include <openssl/crypto.h>

#include <climits>

#include "daemon/ike/crypto/cipher_impl.h"
#include "daemon/ike/crypto/hmac.h"
#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto::internal {

namespace {

class CbcHmacCipher final : public Cipher {
 public:
  CbcHmacCipher(const EVP_CIPHER* cipher, const SecretBytes& key, Hmac hmac, size_t icv_size)
      : cipher_(cipher), key_(key), hmac_(std::move(hmac)), icv_size_(icv_size) {}

  bool aead() const override { return false; }
  size_t iv_size() const override { return kCbcIvSize; }
  size_t block_size() const override { return kCbcIvSize; }
  size_t icv_size() const override { return icv_size_; }

  Status Seal(ByteSpan aad, ByteSpan iv, MutableByteSpan data, MutableByteSpan icv,
              ByteSpan aad_tail) override {
    if (icv.size() != icv_size_) return Status(Code::kInternal, "CBC ICV size");
    IKEVPN_RETURN_IF_ERROR(Crypt(encrypt_ctx_, 1, iv, data));
    uint8_t mac[Hmac::kMaxOutputSize];
    IKEVPN_RETURN_IF_ERROR(Mac(aad, iv, data, aad_tail, mac));
    memcpy(icv.data(), mac, icv_size_);
    return Status::Ok();
  }

  Status Open(ByteSpan aad, ByteSpan iv, MutableByteSpan data, ByteSpan icv,
              ByteSpan aad_tail) override {
    if (icv.size() != icv_size_) return Status(Code::kAuthFailed, "CBC ICV size");
    uint8_t mac[Hmac::kMaxOutputSize];
    IKEVPN_RETURN_IF_ERROR(Mac(aad, iv, data, aad_tail, mac));
    if (CRYPTO_memcmp(mac, icv.data(), icv_size_) != 0) {
      return Status(Code::kAuthFailed, "ICV mismatch");
    }
    return Crypt(decrypt_ctx_, 0, iv, data);
  }

 private:
  Status Mac(ByteSpan aad, ByteSpan iv, ByteSpan data, ByteSpan aad_tail, uint8_t* mac) {
    IKEVPN_RETURN_IF_ERROR(hmac_.Restart());
    IKEVPN_RETURN_IF_ERROR(hmac_.Update(aad));
    IKEVPN_RETURN_IF_ERROR(hmac_.Update(iv));
    IKEVPN_RETURN_IF_ERROR(hmac_.Update(data));
    IKEVPN_RETURN_IF_ERROR(hmac_.Update(aad_tail));
    return hmac_.Final(mac);
  }

  Status Crypt(CipherCtxPtr& ctx, int encrypt, ByteSpan iv, MutableByteSpan data) {
    if (iv.size() != kCbcIvSize) return Status(Code::kInternal, "CBC IV size");
    if (data.size() % kCbcIvSize != 0 || data.size() > INT_MAX) {
      return Status(encrypt ? Code::kInternal : Code::kDrop, "CBC data not a multiple of 16");
    }
    if (!ctx) {
      ctx.reset(EVP_CIPHER_CTX_new());
      if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher_, nullptr, key_.data(), nullptr, encrypt) != 1 ||
          EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
        ctx.reset();
        return OsslError(Code::kInternal, "CBC key setup");
      }
    }
    int len = 0;
    int final_len = 0;
    if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, nullptr, iv.data(), encrypt) != 1 ||
        EVP_CipherUpdate(ctx.get(), data.data(), &len, data.data(), static_cast<int>(data.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), data.data() + len, &final_len) != 1 ||
        static_cast<size_t>(len + final_len) != data.size()) {
      return OsslError(Code::kInternal, "CBC update");
    }
    return Status::Ok();
  }

  const EVP_CIPHER* cipher_;
  SecretBytes key_;  // kept for the lazily created second direction
  Hmac hmac_;
  size_t icv_size_;
  CipherCtxPtr encrypt_ctx_;
  CipherCtxPtr decrypt_ctx_;
};

}  // namespace

Result<std::unique_ptr<Cipher>> CreateCbcHmacCipher(const char* openssl_cipher,
                                                    const SecretBytes& encr_key,
                                                    const char* hmac_digest, size_t icv_size,
                                                    const SecretBytes& integ_key) {
  const EVP_CIPHER* cipher = FetchedCipher(openssl_cipher);
  if (cipher == nullptr) return OsslError(Code::kUnsupported, openssl_cipher);
  if (static_cast<size_t>(EVP_CIPHER_get_key_length(cipher)) != encr_key.size()) {
    return Status(Code::kInternal, "CBC key size mismatch");
  }
  IKEVPN_ASSIGN_OR_RETURN(Hmac hmac, Hmac::Create(hmac_digest));
  IKEVPN_RETURN_IF_ERROR(hmac.SetKey(integ_key.span()));
  return std::unique_ptr<Cipher>(new CbcHmacCipher(cipher, encr_key, std::move(hmac), icv_size));
}

}  // namespace ikevpn::crypto::internal
