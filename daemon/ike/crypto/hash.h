// One-shot message digests, so that no file outside daemon/ike/crypto needs
// OpenSSL: SHA-1 for NAT_DETECTION_*_IP (RFC 7296 §2.23) and CERTREQ
// authority hashes, SHA-2 for RFC 7427 and anything else.
#pragma once

#include <cstddef>
#include <initializer_list>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"

namespace ikevpn::crypto {

inline constexpr size_t kSha1Size = 20;

// Digest size for SHA-1/SHA-2; 0 for kIdentity and unknown values.
size_t HashSize(ike::HashAlgorithm alg);

// H(parts[0] | parts[1] | ...). Code::kUnsupported for kIdentity/unknown.
Result<Bytes> Hash(ike::HashAlgorithm alg, std::initializer_list<ByteSpan> parts);
inline Result<Bytes> Hash(ike::HashAlgorithm alg, ByteSpan data) { return Hash(alg, {data}); }

// SHA-1 of the concatenated parts (20 bytes), e.g.
// Sha1({spi_i, spi_r, address, port}) for NAT detection.
Result<Bytes> Sha1(std::initializer_list<ByteSpan> parts);
inline Result<Bytes> Sha1(ByteSpan data) { return Sha1({data}); }

}  // namespace ikevpn::crypto
