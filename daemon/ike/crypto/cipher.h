// Cipher: protection of IKE SK payloads (RFC 7296 §3.14, RFC 5282 for AEAD)
// and of ESP packets (RFC 4303, RFC 4106, RFC 7634), set up once per key
// and reused for every message or packet.
//
// One object per direction and key; not thread-safe (the ESP datapath keeps
// one per SA per worker). Encryption and integrity are both in here so that
// callers see one Seal/Open whether the transform is AEAD (AES-GCM-16,
// ChaCha20-Poly1305) or encryption plus integrity (AES-CBC + HMAC-SHA2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "daemon/base/bytes.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"

namespace ikevpn::crypto {

struct CipherSpec {
  ike::EncrId encr = ike::EncrId::kAesGcm16;
  uint16_t key_bits = 256;  // encryption key length without the salt
  ike::IntegId integ = ike::IntegId::kNone;  // must be kNone for AEAD
};

class Cipher {
 public:
  virtual ~Cipher() = default;

  // Checks the combination (AEAD with an integrity transform is invalid;
  // CBC without one is invalid) and the key lengths.
  // encr_key: key bytes followed by the salt for AEAD (4 bytes for GCM and
  // ChaCha20-Poly1305), i.e. EncrKeySize(spec) bytes. integ_key:
  // IntegKeySize(spec.integ) bytes (empty for AEAD).
  static Result<std::unique_ptr<Cipher>> Create(const CipherSpec& spec, const SecretBytes& encr_key,
                                                const SecretBytes& integ_key);

  // As Create, but the OpenSSL context (about 1 KB for AES-GCM) is built
  // for each Seal/Open and freed after it: the object keeps only the spec
  // and the keys (~150 bytes). For rarely used ciphers whose count is large
  // (an IKE SA's SK payload protection, 100,000 SAs on a gateway); never
  // for a datapath.
  static Result<std::unique_ptr<Cipher>> CreateOnDemand(const CipherSpec& spec, const SecretBytes& encr_key,
                                                        const SecretBytes& integ_key);

  // Key material lengths to take from prf+ / KEYMAT for this spec.
  static Result<size_t> EncrKeySize(const CipherSpec& spec);
  static Result<size_t> IntegKeySize(ike::IntegId integ);

  virtual bool aead() const = 0;
  // Bytes of IV carried in each message/packet (8 for GCM/ChaCha, 16 for CBC).
  virtual size_t iv_size() const = 0;
  // Plaintext must be padded to a multiple of this (16 for CBC, 1 for AEAD;
  // ESP additionally aligns to 4).
  virtual size_t block_size() const = 0;
  // Bytes of ICV / authentication tag after the ciphertext.
  virtual size_t icv_size() const = 0;

  // Encrypts `data` in place and writes the ICV. Authenticated but not
  // encrypted: `aad` (before the IV: the IKE header and SK payload header,
  // or the ESP SPI and sequence number) and `aad_tail` (after the
  // ciphertext: the ESN high bits for non-AEAD ESP, RFC 4303 §3.3.2.1).
  // For AEAD the ICV covers aad||aad_tail; for CBC+HMAC it is
  // HMAC(aad || iv || ciphertext || aad_tail) truncated to icv_size().
  // Preconditions: iv.size() == iv_size(), icv.size() == icv_size(),
  // data.size() % block_size() == 0.
  virtual Status Seal(ByteSpan aad, ByteSpan iv, MutableByteSpan data, MutableByteSpan icv,
                      ByteSpan aad_tail = {}) = 0;

  // Verifies the ICV (constant time) and decrypts `data` in place.
  // Code::kAuthFailed if the ICV does not match; `data` is then unspecified.
  virtual Status Open(ByteSpan aad, ByteSpan iv, MutableByteSpan data, ByteSpan icv,
                      ByteSpan aad_tail = {}) = 0;
};

}  // namespace ikevpn::crypto
