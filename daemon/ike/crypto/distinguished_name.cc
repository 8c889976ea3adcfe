#include "daemon/ike/crypto/distinguished_name.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <memory>
#include <vector>

#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto {

using internal::OsslError;

namespace {

using BioPtr = std::unique_ptr<BIO, internal::Deleter<BIO, BIO_free_all>>;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits "A=x, B=y" into "A=x" and "B=y" (escapes kept, so that '=' in a
// value stays in the value).
Result<std::vector<std::string>> SplitRdns(std::string_view text) {
  const bool slashes = !text.empty() && text.front() == '/';
  if (slashes) text.remove_prefix(1);
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 == text.size()) return Status(Code::kInvalidArgument, "distinguished name ends in '\\'");
      parts.back() += text.substr(i, 2);
      ++i;
    } else if (slashes ? c == '/' : (c == ',' || c == ';')) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

internal::X509NamePtr ParseDer(ByteSpan der) {
  const unsigned char* p = der.data();
  internal::X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
  if (!name || p != der.data() + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return name;
}

}  // namespace

Result<Bytes> DnFromText(std::string_view text) {
  IKEVPN_ASSIGN_OR_RETURN(std::vector<std::string> rdns, SplitRdns(Trim(text)));
  internal::X509NamePtr name(X509_NAME_new());
  if (!name) return OsslError(Code::kInternal, "X509_NAME_new");
  for (const std::string& rdn : rdns) {
    size_t eq = rdn.find('=');
    if (eq == std::string::npos) {
      return Status(Code::kInvalidArgument, "'" + rdn + "' in distinguished name is not ATTR=value");
    }
    const std::string attr(Trim(std::string_view(rdn).substr(0, eq)));
    const std::string value = Unescape(Trim(std::string_view(rdn).substr(eq + 1)));
    if (attr.empty() || value.empty()) {
      return Status(Code::kInvalidArgument, "'" + rdn + "' in distinguished name has an empty name or value");
    }
    if (X509_NAME_add_entry_by_txt(name.get(), attr.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      return OsslError(Code::kInvalidArgument, "distinguished name attribute " + attr + "=" + value);
    }
  }
  int len = i2d_X509_NAME(name.get(), nullptr);
  if (len <= 0) return OsslError(Code::kInternal, "distinguished name encoding");
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_X509_NAME(name.get(), &p);
  return der;
}

std::string DnToText(ByteSpan der) {
  internal::X509NamePtr name = ParseDer(der);
  if (!name) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  // ", " between attributes, in DER order; UTF-8 left readable.
  const unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  if (!bio || X509_NAME_print_ex(bio.get(), name.get(), 0, flags) < 0) {
    ERR_clear_error();
    return {};
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

bool SameDn(ByteSpan a, ByteSpan b) {
  internal::X509NamePtr x = ParseDer(a);
  internal::X509NamePtr y = ParseDer(b);
  return x && y && X509_NAME_cmp(x.get(), y.get()) == 0;
}

}  // namespace ikevpn::crypto
