// Owning pointers for libnl objects, and conversions between libnl
// addresses and ours. Internal to daemon/ifmgr (includes libnl headers).
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <memory>
#include <optional>

#include "daemon/base/ip_address.h"

namespace ikevpn::ifmgr {

template <typename T, void (*Free)(T*)>
struct LibnlDeleter {
  void operator()(T* p) const {
    if (p != nullptr) Free(p);
  }
};

using LinkPtr = std::unique_ptr<rtnl_link, LibnlDeleter<rtnl_link, rtnl_link_put>>;
using AddrPtr = std::unique_ptr<rtnl_addr, LibnlDeleter<rtnl_addr, rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, LibnlDeleter<rtnl_route, rtnl_route_put>>;
using NlAddrPtr = std::unique_ptr<nl_addr, LibnlDeleter<nl_addr, nl_addr_put>>;
using CachePtr = std::unique_ptr<nl_cache, LibnlDeleter<nl_cache, nl_cache_free>>;

// A new nl_addr holding `prefix` (address bytes and prefix length).
inline NlAddrPtr ToNlAddr(const Prefix& prefix) {
  auto bytes = prefix.address.bytes();
  NlAddrPtr a(nl_addr_build(prefix.address.af(), bytes.data(), bytes.size()));
  if (a) nl_addr_set_prefixlen(a.get(), prefix.length);
  return a;
}

// The prefix an nl_addr holds; an empty address of a known family (the
// default route's dst) becomes the family's unspecified address.
inline std::optional<Prefix> FromNlAddr(nl_addr* a, int family) {
  if (a == nullptr) return std::nullopt;
  auto len = static_cast<uint8_t>(nl_addr_get_prefixlen(a));
  if (nl_addr_get_len(a) == 0) {
    if (family == AF_INET) return Prefix{IpAddress::Any(IpAddress::Family::kV4), len};
    if (family == AF_INET6) return Prefix{IpAddress::Any(IpAddress::Family::kV6), len};
    return std::nullopt;
  }
  auto ip = IpAddress::FromBytes(
      {static_cast<const uint8_t*>(nl_addr_get_binary_addr(a)), nl_addr_get_len(a)});
  if (!ip) return std::nullopt;
  return Prefix{*ip, len};
}

}  // namespace ikevpn::ifmgr
