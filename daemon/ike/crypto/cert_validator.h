// Certificate chain validation against configured CAs, and the check that
// a certificate speaks for the IKE identity the peer claimed (RFC 7296
// §3.5, RFC 4945 §3.1).
//
// CertValidator is filled once (AddCa) and then only read; Validate may be
// called from several threads at once. Move-only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/crypto/certificate.h"

struct x509_store_st;

namespace ikevpn::crypto {

class CertValidator {
 public:
  static Result<CertValidator> Create();

  // Adds a trust anchor. An intermediate CA may be added too; it is then
  // trusted on its own (partial chains are accepted).
  Status AddCa(const Certificate& ca);
  size_t ca_count() const { return cas_.size(); }

  // The Certification Authority field of our CERTREQ payload: the
  // concatenated SHA-1 hashes of each CA's SubjectPublicKeyInfo (§3.7).
  Result<Bytes> CertReqAuthorities() const;

  // Builds and checks the path from `end_entity` (through `intermediates`,
  // in any order, from the peer's CERT payloads) to one of our CAs, with
  // signatures and validity periods checked at `unix_time`.
  // Code::kAuthFailed with OpenSSL's reason ("certificate has expired",
  // "unable to get local issuer certificate", ...) if it does not validate.
  Status Validate(const Certificate& end_entity, std::span<const Certificate> intermediates,
                  int64_t unix_time) const;

 private:
  struct StoreFree {
    void operator()(x509_store_st* store) const;
  };
  explicit CertValidator(x509_store_st* store) : store_(store) {}

  std::unique_ptr<x509_store_st, StoreFree> store_;
  std::vector<Certificate> cas_;
};

// True if `cert` names the identity of an ID payload (id_data: the
// Identification Data). ID_FQDN and ID_RFC822_ADDR match a dNSName /
// rfc822Name subjectAltName (case-insensitive, no wildcards); ID_IPV4_ADDR
// and ID_IPV6_ADDR an iPAddress subjectAltName; ID_DER_ASN1_DN the subject
// (X.509 name comparison of the DER names). Code::kAuthFailed on mismatch,
// Code::kUnsupported for other ID types.
Status MatchIdentity(const Certificate& cert, ike::IdType type, ByteSpan id_data);

}  // namespace ikevpn::crypto
