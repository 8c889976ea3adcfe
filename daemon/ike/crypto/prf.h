// The IKEv2 pseudo-random function and prf+ (RFC 7296 §2.13).
//
// Only the HMAC PRFs are supported (PRF_HMAC_SHA2_256/384/512, and
// PRF_HMAC_SHA1 for interop); their preferred key size equals their output
// size and they accept keys of any length.
//
// A Prf keeps one HMAC context, created at Create() and reused for every
// call: no fetch and no heap allocation per Compute. ReleaseContext() frees
// it (about 700 bytes) while the Prf sits idle, e.g. in an established IKE
// SA until its next rekey; the next call creates it again. Not thread-safe;
// keep one per IKE SA or per worker. Movable, not copyable.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>

#include "daemon/base/bytes.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/crypto/hmac.h"

namespace ikevpn::crypto {

class Prf {
 public:
  // Code::kUnsupported for the non-HMAC PRFs (AES-XCBC, AES-CMAC) and MD5.
  static Result<Prf> Create(ike::PrfId id);

  ike::PrfId id() const { return id_; }
  // Bytes produced by one prf() call.
  size_t output_size() const { return output_size_; }
  // The PRF's preferred key length: the size of SK_d, SK_pi and SK_pr.
  size_t key_size() const { return output_size_; }

  // Frees the HMAC context until the next call (which re-creates it).
  void ReleaseContext() { hmac_.reset(); }

  // prf(key, data).
  Result<SecretBytes> Compute(ByteSpan key, ByteSpan data);
  // prf(key, parts[0] | parts[1] | ...), without concatenating the parts.
  Result<SecretBytes> Compute(ByteSpan key, std::initializer_list<ByteSpan> parts);
  // As above into `out`. Precondition: out.size() == output_size().
  Status Compute(ByteSpan key, std::initializer_list<ByteSpan> parts, MutableByteSpan out);

 private:
  friend Result<SecretBytes> PrfPlus(Prf& prf, ByteSpan key, std::initializer_list<ByteSpan> seed,
                                     size_t length);
  Prf(ike::PrfId id, internal::Hmac hmac) : id_(id), output_size_(hmac.output_size()), hmac_(std::move(hmac)) {}
  // The HMAC context, created again after ReleaseContext().
  Result<internal::Hmac*> Context();

  ike::PrfId id_;
  size_t output_size_;
  std::optional<internal::Hmac> hmac_;
};

// RFC 7296 §2.13: prf+(K, S) = T1 | T2 | ... truncated to `length` bytes,
// T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n).
// The counter is one octet, so at most 255 * prf.output_size() bytes can be
// produced; more is Code::kInvalidArgument.
Result<SecretBytes> PrfPlus(Prf& prf, ByteSpan key, std::initializer_list<ByteSpan> seed,
                            size_t length);
inline Result<SecretBytes> PrfPlus(Prf& prf, ByteSpan key, ByteSpan seed, size_t length) {
  return PrfPlus(prf, key, {seed}, length);
}

}  // namespace ikevpn::crypto
