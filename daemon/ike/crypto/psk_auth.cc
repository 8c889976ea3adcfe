#include "daemon/ike/crypto/psk_auth.h"

#include <string_view>

namespace ikevpn::crypto {

namespace {
constexpr std::string_view kKeyPad = "Key Pad for IKEv2";  // §2.15, 17 octets, no NUL
}  // namespace

Result<Bytes> SignedOctets(Prf& prf, ByteSpan real_message, ByteSpan peer_nonce,
                           const SecretBytes& sk_p, ByteSpan id_body) {
  Bytes out;
  out.reserve(real_message.size() + peer_nonce.size() + prf.output_size());
  out.insert(out.end(), real_message.begin(), real_message.end());
  out.insert(out.end(), peer_nonce.begin(), peer_nonce.end());
  const size_t mac_at = out.size();
  out.resize(mac_at + prf.output_size());
  IKEVPN_RETURN_IF_ERROR(
      prf.Compute(sk_p.span(), {id_body}, MutableByteSpan(out).subspan(mac_at)));
  return out;
}

Result<SecretBytes> PskAuth(Prf& prf, ByteSpan shared_secret, ByteSpan signed_octets) {
  ByteSpan pad(reinterpret_cast<const uint8_t*>(kKeyPad.data()), kKeyPad.size());
  IKEVPN_ASSIGN_OR_RETURN(SecretBytes padded, prf.Compute(shared_secret, pad));
  return prf.Compute(padded.span(), signed_octets);
}

Result<SecretBytes> PskAuth(ike::PrfId prf_id, ByteSpan shared_secret, ByteSpan signed_octets) {
  IKEVPN_ASSIGN_OR_RETURN(Prf prf, Prf::Create(prf_id));
  return PskAuth(prf, shared_secret, signed_octets);
}

}  // namespace ikevpn::crypto
