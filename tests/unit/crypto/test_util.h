// Helpers shared by the crypto tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "daemon/base/bytes.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/ike/crypto/certificate.h"
#include "daemon/ike/crypto/public_key.h"

namespace ikevpn::crypto::testing {

// Hex (whitespace allowed) to bytes; fails the test on bad input.
inline Bytes Hex(std::string_view hex) {
  Bytes out;
  EXPECT_TRUE(FromHex(hex, &out)) << hex;
  return out;
}

inline SecretBytes SecretHex(std::string_view hex) { return SecretBytes(Hex(hex)); }

inline ByteSpan Text(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A file under tests/unit/crypto/data (made by data/make-certs.sh).
inline std::string DataPath(const char* name) {
  return std::string(IKEVPN_CRYPTO_TEST_DATA) + "/" + name;
}

// The first certificate / the private key in a data file; fails the test
// (and aborts it on use) if the file does not load.
inline Certificate LoadCert(const char* name) {
  auto certs = Certificate::LoadFile(DataPath(name));
  EXPECT_TRUE(certs.ok()) << certs.status().ToString();
  return certs->front();
}
inline PrivateKey LoadKey(const char* name) {
  auto key = PrivateKey::LoadPemFile(DataPath(name));
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::move(key).value();
}

inline std::string HexOf(const SecretBytes& s) { return ToHex(s.span()); }

// Lower-cases a hex string so vectors may be copied in either case.
inline std::string Lower(std::string_view hex) {
  std::string out;
  for (char c : hex) {
    if (c != ' ' && c != '\n') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace ikevpn::crypto::testing
