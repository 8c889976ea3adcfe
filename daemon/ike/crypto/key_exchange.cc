#include "daemon/ike/crypto/key_exchange.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include <iterator>
#include <string>

#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto {

using internal::BignumPtr;
using internal::OsslError;
using internal::ParamBldPtr;
using internal::ParamPtr;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;

namespace {

enum class Kind { kModp, kEcp, kEcx };

struct Group {
  ike::KeId id;
  Kind kind;
  const char* type;   // OpenSSL key type
  const char* name;   // OpenSSL group name (MODP, ECP)
  size_t public_size;  // Key Exchange Data length
};

constexpr Group kGroups[] = {
    {ike::KeId::kModp2048, Kind::kModp, "DH", "modp_2048", 256},
    {ike::KeId::kModp3072, Kind::kModp, "DH", "modp_3072", 384},
    {ike::KeId::kModp4096, Kind::kModp, "DH", "modp_4096", 512},
    {ike::KeId::kEcp256, Kind::kEcp, "EC", "P-256", 64},
    {ike::KeId::kEcp384, Kind::kEcp, "EC", "P-384", 96},
    {ike::KeId::kEcp521, Kind::kEcp, "EC", "P-521", 132},
    {ike::KeId::kCurve25519, Kind::kEcx, "X25519", nullptr, 32},
    {ike::KeId::kCurve448, Kind::kEcx, "X448", nullptr, 56},
};
constexpr size_t kMaxEcpPublicSize = 132;

Result<const Group*> FindGroup(ike::KeId id) {
  for (const Group& g : kGroups) {
    if (g.id == id) return &g;
  }
  return Status(Code::kUnsupported,
                "key exchange method " + std::to_string(static_cast<unsigned>(id)) + " not supported");
}

// Per-thread contexts, one per group and purpose, created on first use:
// creating an EVP_PKEY_CTX by name costs a locked method-store lookup,
// about as much as a third of an X25519 operation.
enum class CtxUse { kFromData, kKeygen };
constexpr size_t kGroupCount = std::size(kGroups);

EVP_PKEY_CTX* CachedCtx(const Group& g, CtxUse use) {
  thread_local PkeyCtxPtr cache[2][kGroupCount];
  const size_t index = static_cast<size_t>(&g - kGroups);
  PkeyCtxPtr& slot = cache[static_cast<size_t>(use)][index];
  if (slot) return slot.get();
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, g.type, nullptr));
  if (!ctx) return nullptr;
  if (use == CtxUse::kFromData) {
    if (EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  } else {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(g.name), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_PKEY_keygen_init(ctx.get()) != 1 ||
        (g.name != nullptr && EVP_PKEY_CTX_set_params(ctx.get(), params) != 1)) {
      return nullptr;
    }
  }
  slot = std::move(ctx);
  return slot.get();
}

// Imports a key of the group from OSSL_PARAMs (group name plus the
// given key parts). `selection`: EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR.
Result<PkeyPtr> FromData(const Group& g, OSSL_PARAM_BLD* bld, int selection, Code fail_code) {
  if (g.name != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g.name, 0) != 1) {
    return OsslError(Code::kInternal, "key params");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  EVP_PKEY_CTX* ctx = CachedCtx(g, CtxUse::kFromData);
  EVP_PKEY* key = nullptr;
  if (!params || ctx == nullptr || EVP_PKEY_fromdata(ctx, &key, selection, params.get()) != 1) {
    return OsslError(fail_code, std::string("invalid ") + g.type + " key");
  }
  return PkeyPtr(key);
}

Result<PkeyPtr> Generate(const Group& g) {
  EVP_PKEY_CTX* ctx = CachedCtx(g, CtxUse::kKeygen);
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_generate(ctx, &key) != 1) {
    return OsslError(Code::kUnsupported, std::string("key generation for ") + g.type);
  }
  return PkeyPtr(key);
}

Result<BignumPtr> GetBn(const EVP_PKEY* key, const char* param) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &bn) != 1) return OsslError(Code::kInternal, param);
  return BignumPtr(bn);
}

Result<Bytes> PublicValueOf(const Group& g, const EVP_PKEY* key) {
  Bytes out(g.public_size);
  switch (g.kind) {
    case Kind::kEcx: {
      size_t len = out.size();
      if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != out.size()) {
        return OsslError(Code::kInternal, "raw public key");
      }
      return out;
    }
    case Kind::kEcp: {
      uint8_t buf[1 + kMaxEcpPublicSize];
      size_t len = 0;
      if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, sizeof(buf),
                                          &len) != 1 ||
          len != 1 + out.size() || buf[0] != POINT_CONVERSION_UNCOMPRESSED) {
        return OsslError(Code::kInternal, "EC public key");
      }
      std::copy(buf + 1, buf + len, out.begin());  // RFC 5903 §7: x | y, no 0x04
      return out;
    }
    case Kind::kModp: {
      IKEVPN_ASSIGN_OR_RETURN(BignumPtr y, GetBn(key, OSSL_PKEY_PARAM_PUB_KEY));
      if (BN_bn2binpad(y.get(), out.data(), static_cast<int>(out.size())) < 0) {
        return OsslError(Code::kInternal, "DH public key");
      }
      return out;
    }
  }
  return Status(Code::kInternal, "group kind");
}

// priv * G on the curve, as 0x04 | x | y (test-only import).
Result<Bytes> EcPublicFromPrivate(const Group& g, const BIGNUM* priv) {
  using GroupPtr = std::unique_ptr<EC_GROUP, internal::Deleter<EC_GROUP, EC_GROUP_free>>;
  using PointPtr = std::unique_ptr<EC_POINT, internal::Deleter<EC_POINT, EC_POINT_free>>;
  GroupPtr group(EC_GROUP_new_by_curve_name(EC_curve_nist2nid(g.name)));
  PointPtr point(group ? EC_POINT_new(group.get()) : nullptr);
  Bytes out(1 + g.public_size);
  if (!point || EC_POINT_mul(group.get(), point.get(), priv, nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, out.data(),
                         out.size(), nullptr) != out.size()) {
    return OsslError(Code::kInvalidArgument, "EC private key");
  }
  return out;
}

// g^priv mod p (test-only import).
Result<BignumPtr> ModpPublicFromPrivate(const Group& g, const BIGNUM* priv) {
  IKEVPN_ASSIGN_OR_RETURN(PkeyPtr any, Generate(g));
  IKEVPN_ASSIGN_OR_RETURN(BignumPtr p, GetBn(any.get(), OSSL_PKEY_PARAM_FFC_P));
  IKEVPN_ASSIGN_OR_RETURN(BignumPtr gen, GetBn(any.get(), OSSL_PKEY_PARAM_FFC_G));
  std::unique_ptr<BN_CTX, internal::Deleter<BN_CTX, BN_CTX_free>> bn_ctx(BN_CTX_new());
  BignumPtr y(BN_new());
  if (!bn_ctx || !y || BN_mod_exp(y.get(), gen.get(), priv, p.get(), bn_ctx.get()) != 1) {
    return OsslError(Code::kInternal, "BN_mod_exp");
  }
  return y;
}

Result<PkeyPtr> ImportPrivate(const Group& g, const SecretBytes& priv) {
  if (g.kind == Kind::kEcx) {
    if (priv.size() != g.public_size) return Status(Code::kInvalidArgument, "private key length");
    EVP_PKEY* key = EVP_PKEY_new_raw_private_key_ex(nullptr, g.type, nullptr, priv.data(), priv.size());
    if (key == nullptr) return OsslError(Code::kInvalidArgument, g.type);
    return PkeyPtr(key);
  }
  const bool ecp = g.kind == Kind::kEcp;
  if (priv.empty() || priv.size() > (ecp ? g.public_size / 2 : g.public_size)) {
    return Status(Code::kInvalidArgument, "private key length");
  }
  BignumPtr x(BN_secure_new());
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!x || !bld || BN_bin2bn(priv.data(), static_cast<int>(priv.size()), x.get()) == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get()) != 1) {
    return OsslError(Code::kInternal, "private key params");
  }
  Bytes ec_pub;
  BignumPtr dh_pub;
  if (ecp) {
    IKEVPN_ASSIGN_OR_RETURN(ec_pub, EcPublicFromPrivate(g, x.get()));
    if (OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, ec_pub.data(),
                                         ec_pub.size()) != 1) {
      return OsslError(Code::kInternal, "public key params");
    }
  } else {
    IKEVPN_ASSIGN_OR_RETURN(dh_pub, ModpPublicFromPrivate(g, x.get()));
    if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, dh_pub.get()) != 1) {
      return OsslError(Code::kInternal, "public key params");
    }
  }
  return FromData(g, bld.get(), EVP_PKEY_KEYPAIR, Code::kInvalidArgument);
}

}  // namespace

void KeyExchange::PkeyFree::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

KeyExchange::KeyExchange(ike::KeId id, Pkey key, Bytes public_value)
    : id_(id), key_(std::move(key)), public_value_(std::move(public_value)) {}

KeyExchange::~KeyExchange() = default;

Result<size_t> KeyExchange::PublicValueSize(ike::KeId id) {
  IKEVPN_ASSIGN_OR_RETURN(const Group* g, FindGroup(id));
  return g->public_size;
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::FromKey(ike::KeId id, Pkey key) {
  IKEVPN_ASSIGN_OR_RETURN(const Group* g, FindGroup(id));
  IKEVPN_ASSIGN_OR_RETURN(Bytes pub, PublicValueOf(*g, key.get()));
  return std::unique_ptr<KeyExchange>(new KeyExchange(id, std::move(key), std::move(pub)));
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::Create(ike::KeId id) {
  IKEVPN_ASSIGN_OR_RETURN(const Group* g, FindGroup(id));
  IKEVPN_ASSIGN_OR_RETURN(PkeyPtr key, Generate(*g));
  return FromKey(id, Pkey(key.release()));
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::CreateWithPrivateKey(
    ike::KeId id, const SecretBytes& private_key) {
  IKEVPN_ASSIGN_OR_RETURN(const Group* g, FindGroup(id));
  IKEVPN_ASSIGN_OR_RETURN(PkeyPtr key, ImportPrivate(*g, private_key));
  return FromKey(id, Pkey(key.release()));
}

Result<KeyExchange::Pkey> KeyExchange::PeerKey(ByteSpan peer) const {
  IKEVPN_ASSIGN_OR_RETURN(const Group* g, FindGroup(id_));
  if (peer.size() != g->public_size) {
    return Status(Code::kDrop, "key exchange data is " + std::to_string(peer.size()) +
                                   " bytes, expected " + std::to_string(g->public_size));
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld) return OsslError(Code::kInternal, "OSSL_PARAM_BLD_new");
  // Both are referenced (not copied) by `bld` until FromData below.
  BignumPtr y;
  uint8_t encoded[1 + kMaxEcpPublicSize];
  switch (g->kind) {
    case Kind::kEcx:
      if (OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, peer.data(),
                                           peer.size()) != 1) {
        return OsslError(Code::kInternal, "peer key params");
      }
      break;
    case Kind::kEcp: {
      // RFC 6989 §2.3: the import rejects points that are not on the curve;
      // x | y cannot encode the point at infinity.
      encoded[0] = POINT_CONVERSION_UNCOMPRESSED;
      std::copy(peer.begin(), peer.end(), encoded + 1);
      if (OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded,
                                           1 + peer.size()) != 1) {
        return OsslError(Code::kInternal, "peer key params");
      }
      break;
    }
    case Kind::kModp: {
      // RFC 6989 §2.2: 1 < y < p-1. The RFC 3526 primes are safe primes, so
      // this also excludes the only small subgroup, {1, p-1}.
      y.reset(BN_bin2bn(peer.data(), static_cast<int>(peer.size()), nullptr));
      IKEVPN_ASSIGN_OR_RETURN(BignumPtr p_minus_1, GetBn(key_.get(), OSSL_PKEY_PARAM_FFC_P));
      if (!y || BN_sub_word(p_minus_1.get(), 1) != 1) return OsslError(Code::kInternal, "BIGNUM");
      if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), p_minus_1.get()) >= 0) {
        return Status(Code::kDrop, "peer DH value out of range (RFC 6989)");
      }
      if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()) != 1) {
        return OsslError(Code::kInternal, "peer key params");
      }
      break;
    }
  }
  IKEVPN_ASSIGN_OR_RETURN(PkeyPtr key, FromData(*g, bld.get(), EVP_PKEY_PUBLIC_KEY, Code::kDrop));
  return Pkey(key.release());
}

Result<SecretBytes> KeyExchange::ComputeShared(ByteSpan peer) {
  IKEVPN_ASSIGN_OR_RETURN(Pkey peer_key, PeerKey(peer));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return OsslError(Code::kInternal, "derive init");
  if (EVP_PKEY_get_base_id(key_.get()) == EVP_PKEY_DH) {
    // §2.14: g^ir keeps its leading zeros (the length of the prime).
    unsigned int pad = 1;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad),
                           OSSL_PARAM_construct_end()};
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) return OsslError(Code::kInternal, "DH pad");
  }
  // The peer was checked above; OpenSSL's full public-key check would add a
  // scalar multiplication (ECP) or a full-size exponentiation (MODP).
  size_t len = 0;
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer_key.get(), /*validate_peer=*/0) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    return OsslError(Code::kDrop, "peer key rejected");
  }
  SecretBytes shared(len);
  if (EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1) {
    // X25519/X448 fail here on an all-zero result (low-order peer point).
    return OsslError(Code::kDrop, "key derivation failed");
  }
  shared.Resize(len);
  // RFC 8031 §2.2 / RFC 7748 §6: reject the all-zero shared secret.
  const int base = EVP_PKEY_get_base_id(key_.get());
  if (base == EVP_PKEY_X25519 || base == EVP_PKEY_X448) {
    uint8_t acc = 0;
    for (uint8_t b : shared.span()) acc |= b;
    if (acc == 0) return Status(Code::kDrop, "all-zero shared secret");
  }
  return shared;
}

}  // namespace ikevpn::crypto
