// Distinguished names: config text <-> DER (ID_DER_ASN1_DN, RFC 7296 §3.5)
// and X.509 name comparison, checked against the test certificates' subjects
// (made by `openssl req -subj "/O=ikevpn test/CN=..."`, data/make-certs.sh).
#include <gtest/gtest.h>

#include "daemon/ike/crypto/distinguished_name.h"
#include "tests/unit/crypto/test_util.h"

namespace ikevpn::crypto {
namespace {

using namespace testing;  // NOLINT: test helpers

TEST(DistinguishedName, TextGivesTheDerOpensslPutsInCertificates) {
  Certificate ee = LoadCert("ee-ecdsa.pem");
  auto der = DnFromText("O=ikevpn test, CN=gw.example.org");
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  EXPECT_EQ(*der, ee.SubjectDer());
  // Other separators and spacing give the same name.
  EXPECT_EQ(*DnFromText("O=ikevpn test;CN=gw.example.org"), ee.SubjectDer());
  EXPECT_EQ(*DnFromText("  O = ikevpn test ,CN= gw.example.org "), ee.SubjectDer());
  EXPECT_EQ(*DnFromText("/O=ikevpn test/CN=gw.example.org"), ee.SubjectDer());
  EXPECT_EQ(*DnFromText("organizationName=ikevpn test, commonName=gw.example.org"), ee.SubjectDer());
  // Order matters.
  EXPECT_NE(*DnFromText("CN=gw.example.org, O=ikevpn test"), ee.SubjectDer());
}

// A DER Name: SEQUENCE { SET { SEQUENCE { OID 2.5.4.6, PrintableString "CH" } } }.
TEST(DistinguishedName, CountryIsPrintableString) {
  EXPECT_EQ(*DnFromText("C=CH"), Hex("300d310b3009060355040613024348"));
}

TEST(DistinguishedName, EscapedSeparatorStaysInTheValue) {
  auto der = DnFromText("O=Example\\, Inc., CN=x");
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(DnToText(*der), "O=Example\\, Inc., CN=x");
  EXPECT_EQ(*DnFromText(DnToText(*der)), *der);
}

TEST(DistinguishedName, ToTextKeepsDerOrder) {
  Certificate ee = LoadCert("ee-ecdsa.pem");
  EXPECT_EQ(DnToText(ee.SubjectDer()), "O=ikevpn test, CN=gw.example.org");
  EXPECT_EQ(DnToText(*DnFromText("C=CH, O=Org, CN=x")), "C=CH, O=Org, CN=x");
  EXPECT_EQ(DnToText(Hex("3003")), "");
}

TEST(DistinguishedName, BadTextIsRejected) {
  for (const char* bad : {"", "CN", "CN=", "=x", "CN=x,", "XX=y", "C=CHE", "CN=x\\"}) {
    EXPECT_EQ(DnFromText(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(DistinguishedName, SameDnIgnoresStringTypeAndCase) {
  // CN "x" as UTF8String (0c) and as PrintableString (13), and "X".
  Bytes utf8 = Hex("300c310a300806035504030c0178");
  Bytes printable = Hex("300c310a30080603550403130178");
  Bytes upper = Hex("300c310a30080603550403130158");
  EXPECT_NE(utf8, printable);
  EXPECT_TRUE(SameDn(utf8, printable));
  EXPECT_TRUE(SameDn(utf8, upper));
  EXPECT_TRUE(SameDn(*DnFromText("CN=x"), utf8));
  EXPECT_FALSE(SameDn(*DnFromText("CN=y"), utf8));
  EXPECT_FALSE(SameDn(Hex("3003"), Hex("3003")));
  Bytes trailing = utf8;
  trailing.push_back(0);
  EXPECT_FALSE(SameDn(trailing, utf8));
}

}  // namespace
}  // namespace ikevpn::crypto
