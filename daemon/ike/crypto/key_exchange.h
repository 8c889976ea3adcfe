// Key exchange (RFC 7296 §2.14, transform type 4): MODP groups 14/15/16
// (RFC 3526), ECP groups 19/20/21 (RFC 5903) and Curve25519/Curve448
// (RFC 8031).
//
// A KeyExchange holds one ephemeral private key; public_value() is the KE
// payload's Key Exchange Data. ComputeShared() checks the peer's value as
// RFC 6989 asks and returns g^ir in the wire form IKE uses for SKEYSEED:
//   MODP: big-endian, zero-padded to the length of the prime
//   ECP:  the x coordinate of the shared point (RFC 5903 §9)
//   X25519/X448: the 32/56-byte output of RFC 7748 (all-zero rejected).
//
// Not thread-safe; one object per exchange. The private key is freed (and
// wiped by OpenSSL) with the object.
#pragma once

#include <cstddef>
#include <memory>

#include "daemon/base/bytes.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"

struct evp_pkey_st;

namespace ikevpn::crypto {

class KeyExchange {
 public:
  // A fresh key pair from OpenSSL's CSPRNG. Code::kUnsupported for groups
  // other than 14, 15, 16, 19, 20, 21, 31, 32.
  static Result<std::unique_ptr<KeyExchange>> Create(ike::KeId id);

  // For tests with published vectors: a key pair from a fixed private key.
  //   X25519/X448: the 32/56-byte private key of RFC 7748 (clamped here)
  //   ECP: the big-endian scalar, exactly the field size (32/48/66 bytes)
  //   MODP: a big-endian exponent, 1..len(p) bytes
  // Never use this with predictable keys outside tests.
  static Result<std::unique_ptr<KeyExchange>> CreateWithPrivateKey(ike::KeId id,
                                                                   const SecretBytes& private_key);

  // Length of the Key Exchange Data for the group (256/384/512 for MODP,
  // 64/96/132 for ECP, 32/56 for X25519/X448).
  static Result<size_t> PublicValueSize(ike::KeId id);

  ~KeyExchange();
  KeyExchange(const KeyExchange&) = delete;
  KeyExchange& operator=(const KeyExchange&) = delete;

  ike::KeId id() const { return id_; }
  // Our Key Exchange Data. Valid as long as this object.
  ByteSpan public_value() const { return public_value_; }

  // g^ir from the peer's Key Exchange Data. Code::kDrop if the peer value has
  // the wrong length or fails the RFC 6989 checks (MODP: 1 < y < p-1; ECP: a
  // point on the curve; X25519/X448: non-zero result). May be called more
  // than once.
  Result<SecretBytes> ComputeShared(ByteSpan peer);

 private:
  struct PkeyFree {
    void operator()(evp_pkey_st* key) const;
  };
  using Pkey = std::unique_ptr<evp_pkey_st, PkeyFree>;
  static Result<std::unique_ptr<KeyExchange>> FromKey(ike::KeId id, Pkey key);
  KeyExchange(ike::KeId id, Pkey key, Bytes public_value);

  Result<Pkey> PeerKey(ByteSpan peer) const;

  ike::KeId id_;
  Pkey key_;
  Bytes public_value_;
};

}  // namespace ikevpn::crypto
