#include "daemon/ike/crypto/certificate.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <iterator>
#include <string_view>

#include "daemon/ike/crypto/hash.h"
#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto {

using internal::OsslError;

namespace {

using BioPtr = std::unique_ptr<BIO, internal::Deleter<BIO, BIO_free_all>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, internal::Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

int64_t UnixTime(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string Ia5(const ASN1_IA5STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

}  // namespace

Result<Certificate> Certificate::Adopt(x509_st* x509) {
  std::shared_ptr<x509_st> owned(x509, X509_free);
  int len = i2d_X509(x509, nullptr);
  if (len <= 0) return OsslError(Code::kInvalidArgument, "certificate encoding");
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(x509, &p);
  return Certificate(std::move(owned), std::move(der));
}

Result<Certificate> Certificate::LoadDer(ByteSpan der) {
  const unsigned char* p = der.data();
  X509* x509 = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x509 == nullptr) return OsslError(Code::kInvalidArgument, "invalid DER certificate");
  if (p != der.data() + der.size()) {
    X509_free(x509);
    return Status(Code::kInvalidArgument, "trailing bytes after DER certificate");
  }
  return Adopt(x509);
}

Result<std::vector<Certificate>> Certificate::LoadPem(ByteSpan pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return OsslError(Code::kInternal, "BIO_new_mem_buf");
  std::vector<Certificate> certs;
  while (X509* x509 = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    IKEVPN_ASSIGN_OR_RETURN(Certificate cert, Adopt(x509));
    certs.push_back(std::move(cert));
  }
  ERR_clear_error();  // the end of input is reported as an error
  if (certs.empty()) return Status(Code::kInvalidArgument, "no PEM certificate found");
  return certs;
}

Result<std::vector<Certificate>> Certificate::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot open certificate " + path);
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN") != std::string_view::npos) {
    Result<std::vector<Certificate>> certs = LoadPem(data);
    if (!certs.ok()) return certs.status().Annotate(path);
    return certs;
  }
  Result<Certificate> cert = LoadDer(data);
  if (!cert.ok()) return cert.status().Annotate(path);
  return std::vector<Certificate>{std::move(cert).value()};
}

Bytes Certificate::SubjectDer() const {
  const X509_NAME* name = X509_get_subject_name(x509_.get());
  int len = i2d_X509_NAME(name, nullptr);
  if (len <= 0) return {};
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_X509_NAME(name, &p);
  return der;
}

std::string Certificate::SubjectText() const { return NameText(X509_get_subject_name(x509_.get())); }
std::string Certificate::IssuerText() const { return NameText(X509_get_issuer_name(x509_.get())); }

SubjectAltNames Certificate::AltNames() const {
  SubjectAltNames out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x509_.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    switch (gn->type) {
      case GEN_DNS: out.dns.push_back(Ia5(gn->d.dNSName)); break;
      case GEN_EMAIL: out.email.push_back(Ia5(gn->d.rfc822Name)); break;
      case GEN_IPADD: {
        ByteSpan b(ASN1_STRING_get0_data(gn->d.iPAddress),
                   static_cast<size_t>(ASN1_STRING_length(gn->d.iPAddress)));
        if (auto ip = IpAddress::FromBytes(b)) out.ip.push_back(*ip);
        break;
      }
      default: break;  // other GeneralName forms are not IKE identities
    }
  }
  return out;
}

Result<PublicKey> Certificate::GetPublicKey() const {
  EVP_PKEY* key = X509_get0_pubkey(x509_.get());
  if (key == nullptr) return OsslError(Code::kInvalidArgument, "certificate public key");
  return PublicKey::Adopt(key);
}

int64_t Certificate::not_before() const { return UnixTime(X509_get0_notBefore(x509_.get())); }
int64_t Certificate::not_after() const { return UnixTime(X509_get0_notAfter(x509_.get())); }

Result<Bytes> Certificate::SpkiSha1() const {
  const X509_PUBKEY* spki = X509_get_X509_PUBKEY(x509_.get());
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(spki, &der);
  if (len <= 0) return OsslError(Code::kInternal, "SubjectPublicKeyInfo encoding");
  Result<Bytes> hash = Sha1(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  return hash;
}

}  // namespace ikevpn::crypto
