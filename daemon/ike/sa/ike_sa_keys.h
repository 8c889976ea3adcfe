// Building an IKE SA's keys and ciphers from a negotiated proposal
// (RFC 7296 §2.14, §2.18), shared by IKE_SA_INIT and IKE rekey.
#pragma once

#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/sa/ike_sa.h"

namespace ikevpn::ike {

// The cipher spec of a chosen IKE or ESP proposal.
crypto::CipherSpec SpecOf(const ChosenAlgorithms& a);

// Keys for an IKE SA whose SKEYSEED is known: prf+ split, then the two
// ciphers for our role (the initiator sends with SK_ei/SK_ai).
// `old_prf` is used for nothing here; SKEYSEED is computed by the caller:
// ComputeSkeyseed for IKE_SA_INIT, ComputeRekeySkeyseed for a rekey.
Result<IkeSaKeys> MakeIkeSaKeys(const ChosenAlgorithms& algorithms, const SecretBytes& skeyseed,
                                ByteSpan ni, ByteSpan nr, uint64_t spi_i, uint64_t spi_r,
                                bool initiator);

// SKEYSEED = prf(Ni | Nr, g^ir) with the chosen PRF (§2.14).
Result<SecretBytes> InitialSkeyseed(const ChosenAlgorithms& algorithms, ByteSpan ni, ByteSpan nr,
                                    const SecretBytes& g_ir);

}  // namespace ikevpn::ike
