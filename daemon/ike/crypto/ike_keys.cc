#include "daemon/ike/crypto/ike_keys.h"

#include <algorithm>
#include <string>

namespace ikevpn::crypto {

namespace {

constexpr size_t kIkeSpiSize = 8;

// Splits `keymat` into consecutive slices of the given sizes.
class KeySplitter {
 public:
  explicit KeySplitter(const SecretBytes& keymat) : keymat_(keymat) {}
  SecretBytes Next(size_t n) {
    SecretBytes out = keymat_.Slice(offset_, n);
    offset_ += n;
    return out;
  }

 private:
  const SecretBytes& keymat_;
  size_t offset_ = 0;
};

}  // namespace

Result<IkeKeySizes> IkeKeySizesFor(const Prf& prf, const CipherSpec& spec) {
  IKEVPN_ASSIGN_OR_RETURN(size_t encr, Cipher::EncrKeySize(spec));
  IKEVPN_ASSIGN_OR_RETURN(size_t integ, Cipher::IntegKeySize(spec.integ));
  return IkeKeySizes{prf.key_size(), integ, encr};
}

Result<SecretBytes> ComputeSkeyseed(Prf& prf, ByteSpan ni, ByteSpan nr, const SecretBytes& g_ir) {
  // The key is Ni | Nr; nonces are 16..256 bytes each (§3.9), so a stack
  // buffer of 512 bytes always suffices and nothing is allocated.
  uint8_t key[512];
  if (ni.size() + nr.size() > sizeof(key)) {
    return Status(Code::kInvalidArgument, "nonces longer than 256 bytes each");
  }
  std::copy(ni.begin(), ni.end(), key);
  std::copy(nr.begin(), nr.end(), key + ni.size());
  return prf.Compute({key, ni.size() + nr.size()}, g_ir.span());
}

Result<SecretBytes> ComputeRekeySkeyseed(Prf& prf, const SecretBytes& sk_d_old,
                                         const SecretBytes& g_ir_new, ByteSpan ni, ByteSpan nr) {
  return prf.Compute(sk_d_old.span(), {g_ir_new.span(), ni, nr});
}

Result<IkeSaKeys> DeriveIkeSaKeys(Prf& prf, const SecretBytes& skeyseed, ByteSpan ni, ByteSpan nr,
                                  ByteSpan spi_i, ByteSpan spi_r, const IkeKeySizes& sizes) {
  if (spi_i.size() != kIkeSpiSize || spi_r.size() != kIkeSpiSize) {
    return Status(Code::kInternal, "IKE SPIs must be 8 bytes");
  }
  const size_t total = 3 * sizes.prf + 2 * sizes.integ + 2 * sizes.encr;
  IKEVPN_ASSIGN_OR_RETURN(SecretBytes keymat,
                          PrfPlus(prf, skeyseed.span(), {ni, nr, spi_i, spi_r}, total));
  KeySplitter split(keymat);
  IkeSaKeys keys;
  keys.sk_d = split.Next(sizes.prf);
  keys.sk_ai = split.Next(sizes.integ);
  keys.sk_ar = split.Next(sizes.integ);
  keys.sk_ei = split.Next(sizes.encr);
  keys.sk_er = split.Next(sizes.encr);
  keys.sk_pi = split.Next(sizes.prf);
  keys.sk_pr = split.Next(sizes.prf);
  return keys;
}

Result<ChildSaKeys> DeriveChildSaKeys(Prf& prf, const SecretBytes& sk_d, const SecretBytes* g_ir_new,
                                      ByteSpan ni, ByteSpan nr, size_t encr_size,
                                      size_t integ_size) {
  const size_t total = 2 * (encr_size + integ_size);
  ByteSpan g_ir = g_ir_new != nullptr ? g_ir_new->span() : ByteSpan();
  IKEVPN_ASSIGN_OR_RETURN(SecretBytes keymat, PrfPlus(prf, sk_d.span(), {g_ir, ni, nr}, total));
  KeySplitter split(keymat);
  ChildSaKeys keys;
  keys.encr_i = split.Next(encr_size);
  keys.integ_i = split.Next(integ_size);
  keys.encr_r = split.Next(encr_size);
  keys.integ_r = split.Next(integ_size);
  return keys;
}

}  // namespace ikevpn::crypto
