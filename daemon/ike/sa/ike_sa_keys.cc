#include "daemon/ike/sa/ike_sa_keys.h"

#include "daemon/ike/crypto/ike_keys.h"

namespace ikevpn::ike {

crypto::CipherSpec SpecOf(const ChosenAlgorithms& a) {
  crypto::CipherSpec spec;
  spec.encr = a.encr ? static_cast<EncrId>(a.encr->id) : EncrId::kNull;
  spec.key_bits = a.encr ? a.encr->key_length : 0;
  if (spec.encr == EncrId::kChaCha20Poly1305 && spec.key_bits == 0) spec.key_bits = 256;
  spec.integ = a.integ ? static_cast<IntegId>(a.integ->id) : IntegId::kNone;
  return spec;
}

Result<SecretBytes> InitialSkeyseed(const ChosenAlgorithms& algorithms, ByteSpan ni, ByteSpan nr,
                                    const SecretBytes& g_ir) {
  if (!algorithms.prf) return Status(Code::kInvalidArgument, "no PRF negotiated");
  IKEVPN_ASSIGN_OR_RETURN(crypto::Prf prf, crypto::Prf::Create(static_cast<PrfId>(algorithms.prf->id)));
  return crypto::ComputeSkeyseed(prf, ni, nr, g_ir);
}

Result<IkeSaKeys> MakeIkeSaKeys(const ChosenAlgorithms& algorithms, const SecretBytes& skeyseed,
                                ByteSpan ni, ByteSpan nr, uint64_t spi_i, uint64_t spi_r,
                                bool initiator) {
  if (!algorithms.prf) return Status(Code::kInvalidArgument, "no PRF negotiated");
  IKEVPN_ASSIGN_OR_RETURN(crypto::Prf prf, crypto::Prf::Create(static_cast<PrfId>(algorithms.prf->id)));
  crypto::CipherSpec spec = SpecOf(algorithms);
  IKEVPN_ASSIGN_OR_RETURN(crypto::IkeKeySizes sizes, crypto::IkeKeySizesFor(prf, spec));
  uint8_t spis[16];
  StoreBe64(spis, spi_i);
  StoreBe64(spis + 8, spi_r);
  IKEVPN_ASSIGN_OR_RETURN(crypto::IkeSaKeys k,
                          crypto::DeriveIkeSaKeys(prf, skeyseed, ni, nr, ByteSpan(spis, 8),
                                                  ByteSpan(spis + 8, 8), sizes));
  IkeSaKeys out;
  out.algorithms = algorithms;
  // SK payloads are rare after IKE_AUTH (DPD, rekeys): the ciphers keep
  // only their keys, not a ~1 KB OpenSSL context each (100,000 SAs).
  IKEVPN_ASSIGN_OR_RETURN(out.outbound, crypto::Cipher::CreateOnDemand(spec, initiator ? k.sk_ei : k.sk_er,
                                                                       initiator ? k.sk_ai : k.sk_ar));
  IKEVPN_ASSIGN_OR_RETURN(out.inbound, crypto::Cipher::CreateOnDemand(spec, initiator ? k.sk_er : k.sk_ei,
                                                                      initiator ? k.sk_ar : k.sk_ai));
  out.prf.emplace(std::move(prf));
  out.sk_d = std::move(k.sk_d);
  out.sk_pi = std::move(k.sk_pi);
  out.sk_pr = std::move(k.sk_pr);
  return out;
}

}  // namespace ikevpn::ike
