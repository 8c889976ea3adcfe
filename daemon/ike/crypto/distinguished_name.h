// X.500 Distinguished Names as IKE identities (RFC 7296 §3.5 ID_DER_ASN1_DN,
// RFC 4945 §3.1.5): the text form users write in the config and the DER
// form the ID payload carries.
//
// Text form: attributes in order, separated by ',' or ';' ("C=CH, O=Org,
// CN=gw.example.org"), or each led by '/' as openssl -subj takes them
// ("/C=CH/O=Org/CN=x"). Spaces around attribute names and values are
// ignored; a backslash takes the next character literally ("O=A\, B").
// Attribute names are OpenSSL's short or long names (C, ST, L, O, OU, CN,
// emailAddress, serialNumber, ...). Values are encoded as openssl req does
// (countryName as PrintableString, the rest UTF8String).
#pragma once

#include <string>
#include <string_view>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"

namespace ikevpn::crypto {

// DER Name for the text. Code::kInvalidArgument for an empty name, an
// unknown attribute, a missing '=' or an empty value.
Result<Bytes> DnFromText(std::string_view text);

// "O=Org, CN=x" (the order of the DER, as DnFromText reads it), for logs
// and status. Empty if `der` is not one DER Name.
std::string DnToText(ByteSpan der);

// True if both are DER Names that X.509 name comparison finds equal
// (RFC 5280 §7.1: string types and case of printable strings do not
// matter). False if either does not parse.
bool SameDn(ByteSpan a, ByteSpan b);

}  // namespace ikevpn::crypto
