#include "daemon/ike/crypto/cert_validator.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto {

using internal::OsslError;

namespace {

using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, internal::Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
struct CertStackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackFree>;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

bool AnyEqualsIgnoreCase(const std::vector<std::string>& names, std::string_view id) {
  return std::ranges::any_of(names, [&](const std::string& n) { return EqualsIgnoreCase(n, id); });
}

}  // namespace

void CertValidator::StoreFree::operator()(x509_store_st* store) const { X509_STORE_free(store); }

Result<CertValidator> CertValidator::Create() {
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr) return OsslError(Code::kInternal, "X509_STORE_new");
  return CertValidator(store);
}

Status CertValidator::AddCa(const Certificate& ca) {
  if (X509_STORE_add_cert(store_.get(), ca.native()) != 1) {
    return OsslError(Code::kInvalidArgument, "adding CA " + ca.SubjectText());
  }
  cas_.push_back(ca);
  return Status::Ok();
}

Result<Bytes> CertValidator::CertReqAuthorities() const {
  Bytes out;
  for (const Certificate& ca : cas_) {
    IKEVPN_ASSIGN_OR_RETURN(Bytes hash, ca.SpkiSha1());
    out.insert(out.end(), hash.begin(), hash.end());
  }
  return out;
}

Status CertValidator::Validate(const Certificate& end_entity,
                               std::span<const Certificate> intermediates,
                               int64_t unix_time) const {
  CertStackPtr untrusted(sk_X509_new_null());
  if (!untrusted) return OsslError(Code::kInternal, "sk_X509_new_null");
  for (const Certificate& c : intermediates) {
    if (sk_X509_push(untrusted.get(), c.native()) <= 0) return OsslError(Code::kInternal, "sk_X509_push");
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), end_entity.native(), untrusted.get()) != 1) {
    return OsslError(Code::kInternal, "X509_STORE_CTX_init");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(unix_time));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return Status(Code::kAuthFailed, "certificate " + end_entity.SubjectText() +
                                         " does not validate: " + X509_verify_cert_error_string(err));
  }
  return Status::Ok();
}

Status MatchIdentity(const Certificate& cert, ike::IdType type, ByteSpan id_data) {
  const std::string_view text(reinterpret_cast<const char*>(id_data.data()), id_data.size());
  bool match = false;
  switch (type) {
    case ike::IdType::kFqdn:
      match = AnyEqualsIgnoreCase(cert.AltNames().dns, text);
      break;
    case ike::IdType::kRfc822Addr:
      match = AnyEqualsIgnoreCase(cert.AltNames().email, text);
      break;
    case ike::IdType::kIpv4Addr:
    case ike::IdType::kIpv6Addr: {
      auto ip = IpAddress::FromBytes(id_data);
      if (!ip || (type == ike::IdType::kIpv4Addr) != ip->is_v4()) {
        return Status(Code::kAuthFailed, "malformed IP address identity");
      }
      const std::vector<IpAddress> ips = cert.AltNames().ip;
      match = std::ranges::find(ips, *ip) != ips.end();
      break;
    }
    case ike::IdType::kDerAsn1Dn: {
      const unsigned char* p = id_data.data();
      internal::X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(id_data.size())));
      if (!name || p != id_data.data() + id_data.size()) {
        ERR_clear_error();
        return Status(Code::kAuthFailed, "malformed ID_DER_ASN1_DN");
      }
      match = X509_NAME_cmp(name.get(), X509_get_subject_name(cert.native())) == 0;
      break;
    }
    case ike::IdType::kDerAsn1Gn:
    case ike::IdType::kKeyId:
      return Status(Code::kUnsupported, "identity type " + std::to_string(static_cast<unsigned>(type)) +
                                            " cannot be matched to a certificate");
  }
  if (!match) {
    return Status(Code::kAuthFailed,
                  "certificate " + cert.SubjectText() + " does not match the peer's identity");
  }
  return Status::Ok();
}

}  // namespace ikevpn::crypto
