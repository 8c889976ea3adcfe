// What NetworkManager's connection settings (vpn.data, vpn.secrets) mean for
// ikevpnd: the keys of the connection nm-ikevpn-service adds with
// AddConnection, plus what the plugin itself needs (inner addresses, MTU,
// interface). The keys are documented in man/nm-ikevpn-service.8 and
// docs/networkmanager.md; this file is the one place that maps them.
//
//   auto s = TranslateVpnSettings({"gateway": "192.0.2.1", "method": "psk", ...},
//                                 {"psk": "..."});
//   if (!s.ok()) reply InvalidConnection(s.status().message());
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"

namespace ikevpn::nm {

using StringMap = std::map<std::string, std::string>;

struct PluginSettings {
  StringMap ikevpn;             // AddConnection settings (ikevpn.conf connection keys)
  std::vector<Prefix> inner;    // inner-address: our tunnel addresses when no virtual IP comes
  bool virtual_ip = false;      // a virtual IP is requested
  std::string interface;        // ipsecN; empty: the plugin picks a free one
  uint32_t mtu = 1400;
};

// kInvalidArgument naming the key and what is wrong (every problem, joined
// with "; "). The psk comes from `secrets` ("psk"), never from `data`.
Result<PluginSettings> TranslateVpnSettings(const StringMap& data, const StringMap& secrets);

// The ikevpnd connection name for an NM connection: "nm-" + its UUID, with
// anything outside [A-Za-z0-9_-] replaced by '_' (at most 64 characters).
std::string ConnectionName(const std::string& uuid);

// The first "ipsecN" (N >= 0) not in `taken`.
std::string FreeInterface(const std::vector<std::string>& taken);

}  // namespace ikevpn::nm
