#include "daemon/ike/crypto/prf.h"

#include <string.h>

#include <algorithm>
#include <string>

namespace ikevpn::crypto {

namespace {

const char* DigestFor(ike::PrfId id) {
  switch (id) {
    case ike::PrfId::kHmacSha1: return "SHA1";
    case ike::PrfId::kHmacSha2_256: return "SHA256";
    case ike::PrfId::kHmacSha2_384: return "SHA384";
    case ike::PrfId::kHmacSha2_512: return "SHA512";
    case ike::PrfId::kHmacMd5:
    case ike::PrfId::kAes128Xcbc:
    case ike::PrfId::kAes128Cmac:
      return nullptr;
  }
  return nullptr;
}

constexpr size_t kMaxPrfPlusBlocks = 255;

}  // namespace

Result<Prf> Prf::Create(ike::PrfId id) {
  const char* digest = DigestFor(id);
  if (digest == nullptr) {
    return Status(Code::kUnsupported,
                  "PRF transform " + std::to_string(static_cast<unsigned>(id)) + " not supported");
  }
  IKEVPN_ASSIGN_OR_RETURN(internal::Hmac hmac, internal::Hmac::Create(digest));
  return Prf(id, std::move(hmac));
}

Result<internal::Hmac*> Prf::Context() {
  if (!hmac_) {
    IKEVPN_ASSIGN_OR_RETURN(internal::Hmac hmac, internal::Hmac::Create(DigestFor(id_)));
    hmac_.emplace(std::move(hmac));
  }
  return &*hmac_;
}

Status Prf::Compute(ByteSpan key, std::initializer_list<ByteSpan> parts, MutableByteSpan out) {
  if (out.size() != output_size()) return Status(Code::kInternal, "PRF output buffer size");
  IKEVPN_ASSIGN_OR_RETURN(internal::Hmac * hmac, Context());
  IKEVPN_RETURN_IF_ERROR(hmac->SetKey(key));
  for (ByteSpan part : parts) IKEVPN_RETURN_IF_ERROR(hmac->Update(part));
  return hmac->Final(out.data());
}

Result<SecretBytes> Prf::Compute(ByteSpan key, std::initializer_list<ByteSpan> parts) {
  SecretBytes out(output_size());
  IKEVPN_RETURN_IF_ERROR(Compute(key, parts, out.mutable_span()));
  return out;
}

Result<SecretBytes> Prf::Compute(ByteSpan key, ByteSpan data) { return Compute(key, {data}); }

Result<SecretBytes> PrfPlus(Prf& prf, ByteSpan key, std::initializer_list<ByteSpan> seed,
                            size_t length) {
  const size_t block = prf.output_size();
  if (length > kMaxPrfPlusBlocks * block) {
    return Status(Code::kInvalidArgument, "prf+ asked for " + std::to_string(length) +
                                              " bytes; at most " +
                                              std::to_string(kMaxPrfPlusBlocks * block));
  }
  SecretBytes out(length);
  SecretBytes t(block);  // T(n-1), wiped on every return path
  size_t t_len = 0;
  IKEVPN_ASSIGN_OR_RETURN(internal::Hmac * context, prf.Context());
  internal::Hmac& hmac = *context;
  IKEVPN_RETURN_IF_ERROR(hmac.SetKey(key));
  for (size_t done = 0, n = 1; done < length; ++n) {
    if (n > 1) IKEVPN_RETURN_IF_ERROR(hmac.Restart());
    IKEVPN_RETURN_IF_ERROR(hmac.Update({t.data(), t_len}));
    for (ByteSpan part : seed) IKEVPN_RETURN_IF_ERROR(hmac.Update(part));
    const uint8_t counter = static_cast<uint8_t>(n);
    IKEVPN_RETURN_IF_ERROR(hmac.Update({&counter, 1}));
    IKEVPN_RETURN_IF_ERROR(hmac.Final(t.data()));
    t_len = block;
    size_t take = std::min(block, length - done);
    memcpy(out.data() + done, t.data(), take);
    done += take;
  }
  return out;
}

}  // namespace ikevpn::crypto
