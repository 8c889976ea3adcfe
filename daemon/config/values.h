// Parsers for single config values. Each returns the typed value or an
// error message without location (the caller adds "file:line: key: ").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/ip_address.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/config/connection.h"

namespace ikevpn::config {

// Removes one level of double quotes ("a \"b\"" -> a "b"; \\ and \" are the
// only escapes). Unquoted text is returned as is.
Result<std::string> Unquote(std::string_view text);

// yes/no, true/false, on/off, 1/0.
Result<bool> ParseBool(std::string_view text);

// An unsigned decimal in [min, max].
Result<uint64_t> ParseUint(std::string_view text, uint64_t min, uint64_t max);

// "90" (seconds), "500ms", "30s", "5m", "2h", "7d". At most ten years.
Result<Millis> ParseDuration(std::string_view text);
// As ParseDuration, but in whole seconds ("1500ms" is an error).
Result<Seconds> ParseSeconds(std::string_view text);

// Comma-separated items, trimmed; empty items are an error.
Result<std::vector<std::string>> SplitList(std::string_view text);

// "%any", "%any4", "%any6", an IP literal or a DNS name (syntax only).
Result<Host> ParseHost(std::string_view text);

// See identity rules in docs/config-keys.md: "@fqdn", "user@example.org",
// IP literal, "C=CH, O=Org, CN=x", "keyid:<hex>", "asn1gn:<hex>", plain name.
Result<Identity> ParseIdentity(std::string_view text);

// "dynamic" or a list of TrafficSelector::Parse() forms.
Result<TsSpec> ParseTsList(std::string_view text);

// "10.9.0.0/24, 10.9.1.10-10.9.1.99, fd00:9::/120".
Result<std::vector<AddressRange>> ParsePools(std::string_view text);

// "10.255.0.1/30, fd00::1/64" (a bare address is a host prefix).
Result<std::vector<Prefix>> ParsePrefixList(std::string_view text);

// "192.0.2.53, 2001:db8::53".
Result<std::vector<IpAddress>> ParseAddressList(std::string_view text);

// "0x6b1f..." (hex) or text (already unquoted by the caller).
Result<SecretBytes> ParseSecret(std::string_view text);

// An interface name as the kernel accepts it (1..15 chars, no '/' or
// whitespace, not "." or "..").
Status CheckInterfaceName(std::string_view name);

// ipsecN -> 0x10000 + N (kOwnedIfIds of daemon/base/if_id.h); error if the
// name has no trailing number or N is above 65535.
Result<uint32_t> IfIdFromInterfaceName(std::string_view name);
// An explicit if-id: decimal or 0x-hex, within kOwnedIfIds.
Result<uint32_t> ParseIfId(std::string_view text);

}  // namespace ikevpn::config
