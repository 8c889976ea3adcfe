// AES-GCM-16 (RFC 4106, RFC 5282) and ChaCha20-Poly1305 (RFC 7634): the
// 12-byte nonce is the 4-byte salt from the key material followed by the
// 8-byte IV carried in the packet; the tag is 16 bytes.
//
// The EVP context is keyed once; each call only re-initialises it with the
// nonce and direction (the key schedule of both AEADs serves both
// directions), so there is no allocation per packet.
#include <openssl/crypto.h>
#include <openssl/err.h>

#include <climits>
#include <cstring>

#include "daemon/ike/crypto/cipher_impl.h"
#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto::internal {

namespace {

constexpr size_t kNonceSize = kAeadSaltSize + kAeadIvSize;

class AeadCipher final : public Cipher {
 public:
  AeadCipher(CipherCtxPtr ctx, ByteSpan salt) : ctx_(std::move(ctx)) {
    memcpy(nonce_, salt.data(), kAeadSaltSize);
  }
  ~AeadCipher() override { OPENSSL_cleanse(nonce_, sizeof(nonce_)); }

  bool aead() const override { return true; }
  size_t iv_size() const override { return kAeadIvSize; }
  size_t block_size() const override { return 1; }
  size_t icv_size() const override { return kAeadTagSize; }

  Status Seal(ByteSpan aad, ByteSpan iv, MutableByteSpan data, MutableByteSpan icv,
              ByteSpan aad_tail) override {
    if (icv.size() != kAeadTagSize) return Status(Code::kInternal, "AEAD ICV size");
    IKEVPN_RETURN_IF_ERROR(Start(iv, /*encrypt=*/1, aad, aad_tail, data));
    int len = 0;
    if (EVP_CipherFinal_ex(ctx_.get(), nullptr, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, kAeadTagSize, icv.data()) != 1) {
      return OsslError(Code::kInternal, "AEAD seal");
    }
    return Status::Ok();
  }

  Status Open(ByteSpan aad, ByteSpan iv, MutableByteSpan data, ByteSpan icv,
              ByteSpan aad_tail) override {
    if (icv.size() != kAeadTagSize) return Status(Code::kAuthFailed, "AEAD ICV size");
    IKEVPN_RETURN_IF_ERROR(Start(iv, /*encrypt=*/0, aad, aad_tail, data));
    // The provider copies the tag; the cast only satisfies the ctrl signature.
    if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, kAeadTagSize,
                            const_cast<uint8_t*>(icv.data())) != 1) {
      return OsslError(Code::kInternal, "AEAD set tag");
    }
    int len = 0;
    // The provider compares the tag in constant time.
    if (EVP_CipherFinal_ex(ctx_.get(), nullptr, &len) != 1) {
      ERR_clear_error();
      return Status(Code::kAuthFailed, "AEAD ICV mismatch");
    }
    return Status::Ok();
  }

 private:
  // Sets the nonce and direction, feeds the AAD, and en/decrypts in place.
  Status Start(ByteSpan iv, int encrypt, ByteSpan aad, ByteSpan aad_tail, MutableByteSpan data) {
    if (iv.size() != kAeadIvSize) return Status(Code::kInternal, "AEAD IV size");
    if (data.size() > INT_MAX || aad.size() > INT_MAX || aad_tail.size() > INT_MAX) {
      return Status(Code::kInvalidArgument, "AEAD input too long");
    }
    memcpy(nonce_ + kAeadSaltSize, iv.data(), kAeadIvSize);
    int len = 0;
    if (EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, nullptr, nonce_, encrypt) != 1 ||
        (!aad.empty() && EVP_CipherUpdate(ctx_.get(), nullptr, &len, aad.data(),
                                          static_cast<int>(aad.size())) != 1) ||
        (!aad_tail.empty() && EVP_CipherUpdate(ctx_.get(), nullptr, &len, aad_tail.data(),
                                               static_cast<int>(aad_tail.size())) != 1) ||
        (!data.empty() && EVP_CipherUpdate(ctx_.get(), data.data(), &len, data.data(),
                                           static_cast<int>(data.size())) != 1)) {
      return OsslError(Code::kInternal, "AEAD update");
    }
    return Status::Ok();
  }

  CipherCtxPtr ctx_;
  uint8_t nonce_[kNonceSize];
};

}  // namespace

Result<std::unique_ptr<Cipher>> CreateAeadCipher(const char* openssl_cipher,
                                                 const SecretBytes& key_and_salt) {
  const EVP_CIPHER* cipher = FetchedCipher(openssl_cipher);
  if (cipher == nullptr) return OsslError(Code::kUnsupported, openssl_cipher);
  const size_t key_size = key_and_salt.size() - kAeadSaltSize;
  if (static_cast<size_t>(EVP_CIPHER_get_key_length(cipher)) != key_size) {
    return Status(Code::kInternal, "AEAD key size mismatch");
  }
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key_and_salt.data(), nullptr, 1) != 1) {
    return OsslError(Code::kInternal, "AEAD key setup");
  }
  return std::unique_ptr<Cipher>(
      new AeadCipher(std::move(ctx), key_and_salt.span().subspan(key_size)));
}

}  // namespace ikevpn::crypto::internal
