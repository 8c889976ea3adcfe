// Internal to daemon/ike/crypto: the Cipher implementations behind
// Cipher::Create. Callers have already checked the spec and key lengths.
#pragma once

#include <cstddef>
#include <memory>

#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/crypto/cipher.h"

namespace ikevpn::crypto::internal {

inline constexpr size_t kAeadSaltSize = 4;
inline constexpr size_t kAeadIvSize = 8;
inline constexpr size_t kAeadTagSize = 16;
inline constexpr size_t kCbcIvSize = 16;

// AES-GCM-16 (RFC 4106/5282) or ChaCha20-Poly1305 (RFC 7634).
// key_and_salt: the cipher key followed by the 4-byte salt.
Result<std::unique_ptr<Cipher>> CreateAeadCipher(const char* openssl_cipher,
                                                 const SecretBytes& key_and_salt);

// AES-CBC (RFC 3602) with HMAC (RFC 4868 / RFC 2404), truncated to icv_size.
Result<std::unique_ptr<Cipher>> CreateCbcHmacCipher(const char* openssl_cipher,
                                                    const SecretBytes& encr_key,
                                                    const char* hmac_digest, size_t icv_size,
                                                    const SecretBytes& integ_key);

}  // namespace ikevpn::crypto::internal
