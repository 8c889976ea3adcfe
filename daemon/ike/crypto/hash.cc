#include "daemon/ike/crypto/hash.h"

#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto {

size_t HashSize(ike::HashAlgorithm alg) {
  switch (alg) {
    case ike::HashAlgorithm::kSha1: return 20;
    case ike::HashAlgorithm::kSha2_256: return 32;
    case ike::HashAlgorithm::kSha2_384: return 48;
    case ike::HashAlgorithm::kSha2_512: return 64;
    case ike::HashAlgorithm::kIdentity: return 0;
  }
  return 0;
}

Result<Bytes> Hash(ike::HashAlgorithm alg, std::initializer_list<ByteSpan> parts) {
  const char* name = internal::DigestName(alg);
  const EVP_MD* md = name != nullptr ? internal::FetchedMd(name) : nullptr;
  if (md == nullptr) return Status(Code::kUnsupported, "hash algorithm not supported");
  internal::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    return internal::OsslError(Code::kInternal, "digest init");
  }
  for (ByteSpan part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
      return internal::OsslError(Code::kInternal, "digest update");
    }
  }
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    return internal::OsslError(Code::kInternal, "digest final");
  }
  return out;
}

Result<Bytes> Sha1(std::initializer_list<ByteSpan> parts) {
  return Hash(ike::HashAlgorithm::kSha1, parts);
}

}  // namespace ikevpn::crypto
