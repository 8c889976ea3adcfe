// The dictionaries nm-ikevpn-service sends NetworkManager once a tunnel is up
// (signals Config, Ip4Config, Ip6Config of org.freedesktop.NetworkManager.
// VPN.Plugin; keys and encodings in docs/networkmanager.md): IPv4 addresses
// are uint32 in network byte order, IPv6 addresses 16-byte arrays.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <sdbus-c++/Types.h>

#include "daemon/base/ip_address.h"

namespace ikevpn::nm {

using VariantMap = std::map<std::string, sdbus::Variant>;

// What an established tunnel gives NetworkManager.
struct TunnelInfo {
  IpAddress gateway;              // the IKE peer's address
  std::string tundev;             // ipsecN
  uint32_t mtu = 1400;
  std::vector<Prefix> addresses;  // ours: the virtual IPs, else the inner addresses
  std::vector<Prefix> routes;     // the remote traffic selectors' covering prefixes
  std::vector<IpAddress> dns;     // from the configuration payload
};

VariantMap BuildConfig(const TunnelInfo& t);
// Empty when `t` has no address of that family (then has-ip4/has-ip6 is false).
VariantMap BuildIp4Config(const TunnelInfo& t);
VariantMap BuildIp6Config(const TunnelInfo& t);

// 192.0.2.1 -> the uint32 whose bytes in memory are c0 00 02 01.
uint32_t NetworkOrder(const IpAddress& v4);

}  // namespace ikevpn::nm
