// IKE SA and CHILD_SA key derivation (RFC 7296 §2.14, §2.17, §2.18).
//
// All functions take the negotiated PRF (a Prf object, reused) and return key
// material only in SecretBytes. Nonces and SPIs are the raw wire values.
#pragma once

#include <cstddef>
#include <cstdint>

#include "daemon/base/bytes.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/crypto/prf.h"

namespace ikevpn::crypto {

// Lengths of the keys taken from prf+ for an IKE SA.
struct IkeKeySizes {
  size_t prf = 0;    // SK_d, SK_pi, SK_pr: the PRF's preferred key length
  size_t integ = 0;  // SK_ai, SK_ar: 0 for AEAD
  size_t encr = 0;   // SK_ei, SK_er: including the salt for AEAD
};

// The sizes for a negotiated PRF and IKE SA cipher.
Result<IkeKeySizes> IkeKeySizesFor(const Prf& prf, const CipherSpec& spec);

// The seven IKE SA keys, in the order prf+ produces them.
struct IkeSaKeys {
  SecretBytes sk_d;
  SecretBytes sk_ai;
  SecretBytes sk_ar;
  SecretBytes sk_ei;
  SecretBytes sk_er;
  SecretBytes sk_pi;
  SecretBytes sk_pr;
};

// §2.14: SKEYSEED = prf(Ni | Nr, g^ir). Only HMAC PRFs are supported, so the
// whole Ni | Nr is the key (no halving).
Result<SecretBytes> ComputeSkeyseed(Prf& prf, ByteSpan ni, ByteSpan nr, const SecretBytes& g_ir);

// §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) for an IKE SA
// rekeyed with CREATE_CHILD_SA. The PRF is the one negotiated for the old SA.
Result<SecretBytes> ComputeRekeySkeyseed(Prf& prf, const SecretBytes& sk_d_old,
                                         const SecretBytes& g_ir_new, ByteSpan ni, ByteSpan nr);

// §2.14: {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
//          = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
// Preconditions: spi_i and spi_r are the 8-byte wire SPIs.
Result<IkeSaKeys> DeriveIkeSaKeys(Prf& prf, const SecretBytes& skeyseed, ByteSpan ni, ByteSpan nr,
                                  ByteSpan spi_i, ByteSpan spi_r, const IkeKeySizes& sizes);

// Keys of one CHILD_SA. "i" keys protect initiator -> responder traffic
// (the initiator's outbound SA), "r" keys responder -> initiator.
struct ChildSaKeys {
  SecretBytes encr_i;
  SecretBytes integ_i;
  SecretBytes encr_r;
  SecretBytes integ_r;
};

// §2.17: KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr)
// when the CREATE_CHILD_SA exchange carried KE payloads (pass nullptr for
// no KE). Taken in the order encr_i, integ_i, encr_r, integ_r; the sizes are
// Cipher::EncrKeySize / Cipher::IntegKeySize of the CHILD_SA's transforms.
Result<ChildSaKeys> DeriveChildSaKeys(Prf& prf, const SecretBytes& sk_d, const SecretBytes* g_ir_new,
                                      ByteSpan ni, ByteSpan nr, size_t encr_size, size_t integ_size);

}  // namespace ikevpn::crypto
