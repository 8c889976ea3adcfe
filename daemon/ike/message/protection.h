// SK protection (RFC 7296 §3.14, RFC 5282 for AEAD): sealing an encoded
// inner payload chain into an SK payload, and verifying/opening one.
//
// Most callers use EncodeProtectedMessage / DecodeMessage (message.h); these
// are the pieces underneath, also used by fragmentation.h.
#pragma once

#include <cstddef>

#include "daemon/base/bytes.h"
#include "daemon/base/rng.h"
#include "daemon/base/status.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/message/decode_error.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

// Size of the SK body (IV + ciphertext incl. padding and pad length + ICV)
// for `plaintext_size` bytes of inner chain.
size_t SealedSize(const crypto::Cipher& cipher, size_t plaintext_size);

// Seals an already-encoded inner chain into a message:
//   HDR(next = SK), SK(next = chain.first) { IV, chain, padding, pad length, ICV }
// `header.next_payload` and `header.length` are set here. The ICV covers the
// IKE header and the SK generic header as associated data.
Result<Bytes> SealMessage(const IkeHeader& header, const PayloadChain& chain,
                          crypto::Cipher& outbound, Rng& rng);

// Appends IV || ENC(plaintext || padding || pad length) || ICV to *message,
// whose current content is the associated data: everything from the IKE
// header to the end of the SK/SKF payload header, with every length field
// already final. Used by SealMessage and SealFragments.
Status AppendSealedBody(Bytes* message, ByteSpan plaintext, crypto::Cipher& outbound, Rng& rng);

// Verifies and decrypts an SK/SKF body in place. `aad` is the message from
// the IKE header up to and including the SK (or SKF) payload header; `body`
// is IV || ciphertext || ICV. On success returns the plaintext without
// padding (a view into `body`). kMalformedEncrypted if the body is too short
// or not block-aligned, kIntegrityCheckFailed if the ICV does not verify,
// kInvalidSyntax if the pad length is impossible (after verification).
DecodeResult<ByteSpan> OpenBody(ByteSpan aad, MutableByteSpan body, crypto::Cipher& inbound);

}  // namespace ikevpn::ike
