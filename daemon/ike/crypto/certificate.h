// X.509 certificates as IKE uses them (RFC 7296 §3.6, §3.7): DER for CERT
// payloads, subject and subjectAltNames for identity checks, the public key
// for AUTH, and the SPKI hash that names a CA in CERTREQ.
//
// A Certificate is immutable and cheap to copy (shared).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/ike/crypto/public_key.h"

struct x509_st;

namespace ikevpn::crypto {

struct SubjectAltNames {
  std::vector<std::string> dns;
  std::vector<std::string> email;
  std::vector<IpAddress> ip;
};

class Certificate {
 public:
  // One DER certificate (a CERT payload's data); trailing bytes are an error.
  static Result<Certificate> LoadDer(ByteSpan der);
  // Every certificate in PEM text, in order; an error if there is none.
  static Result<std::vector<Certificate>> LoadPem(ByteSpan pem);
  // A PEM file (all its certificates) or a single DER certificate.
  static Result<std::vector<Certificate>> LoadFile(const std::string& path);

  // The DER encoding, for CERT payloads (encoding 4, X.509 Signature).
  const Bytes& der() const { return der_; }
  // Subject Name as DER (what an ID_DER_ASN1_DN identity carries).
  Bytes SubjectDer() const;
  // "CN=gw.example.org,O=Example" (RFC 2253 order), for logs and config.
  std::string SubjectText() const;
  std::string IssuerText() const;
  SubjectAltNames AltNames() const;
  Result<PublicKey> GetPublicKey() const;
  // Validity in Unix seconds.
  int64_t not_before() const;
  int64_t not_after() const;
  // SHA-1 of the DER SubjectPublicKeyInfo (RFC 7296 §3.7): how CERTREQ
  // names this certificate as a CA.
  Result<Bytes> SpkiSha1() const;

  // The OpenSSL object, for daemon/ike/crypto only.
  x509_st* native() const { return x509_.get(); }

 private:
  Certificate(std::shared_ptr<x509_st> x509, Bytes der) : x509_(std::move(x509)), der_(std::move(der)) {}
  static Result<Certificate> Adopt(x509_st* x509);

  std::shared_ptr<x509_st> x509_;
  Bytes der_;
};

}  // namespace ikevpn::crypto
