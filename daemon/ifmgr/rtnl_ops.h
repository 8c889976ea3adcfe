// RtnlOps: the rtnetlink operations the interface manager needs, as plain
// values, so the state logic can run against a fake in unit tests. The real
// implementation is Rtnl (rtnl.h, libnl-route-3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"

namespace ikevpn::ifmgr {

// Every route ikevpn adds carries this rtm_protocol, so leftovers of a crashed
// run can be told from anyone else's routes. 73 is 0x49, 'I'; it is not in
// the kernel's RTPROT_* list nor in iproute2's /etc/iproute2/rt_protos
// (`ip route show proto 73` lists ours).
inline constexpr uint8_t kRouteProtocol = 73;
// Every link ikevpn creates gets this ifalias (`ip link show` prints it as
// "alias ikevpn"); a link carrying it is ours even after a crash.
inline constexpr std::string_view kOwnerAlias = "ikevpn";
inline constexpr uint32_t kTableMain = 254;  // RT_TABLE_MAIN

struct LinkEntry {
  int ifindex = 0;
  std::string name;
  std::string kind;   // IFLA_INFO_KIND: "xfrm", "tun", "" for none
  std::string alias;  // IFLA_IFALIAS
  bool up = false;    // IFF_UP
  uint32_t mtu = 0;
};

struct AddressEntry {
  int ifindex = 0;
  Prefix address;  // local address and prefix length

  friend bool operator==(const AddressEntry&, const AddressEntry&) = default;
};

enum class RouteType : uint8_t { kUnicast, kBlackhole, kOther };

struct RouteEntry {
  RouteType type = RouteType::kUnicast;
  Prefix destination;
  uint32_t metric = 0;  // RTA_PRIORITY
  int ifindex = 0;      // output device; 0 for a blackhole
  uint8_t protocol = kRouteProtocol;
  uint32_t table = kTableMain;

  friend bool operator==(const RouteEntry&, const RouteEntry&) = default;
};

std::string ToString(const RouteEntry& route);

// All calls are synchronous request/ack exchanges. Add* answer kExists if the
// object is there already; Remove*/Delete* answer kNotFound if it is gone.
class RtnlOps {
 public:
  virtual ~RtnlOps() = default;

  virtual Status SetLinkUp(int ifindex, bool up) = 0;
  virtual Status SetLinkAlias(int ifindex, std::string_view alias) = 0;
  virtual Status SetLinkMtu(int ifindex, uint32_t mtu) = 0;
  virtual Status DeleteLink(int ifindex) = 0;
  virtual Status AddAddress(const AddressEntry& address) = 0;
  virtual Status RemoveAddress(const AddressEntry& address) = 0;
  virtual Status AddRoute(const RouteEntry& route) = 0;
  virtual Status RemoveRoute(const RouteEntry& route) = 0;

  virtual Result<std::vector<LinkEntry>> ListLinks() = 0;
  // ifindex 0: all devices.
  virtual Result<std::vector<AddressEntry>> ListAddresses(int ifindex) = 0;
  // Routes of both families in every table; ifindex 0: all (with blackholes).
  virtual Result<std::vector<RouteEntry>> ListRoutes(int ifindex) = 0;
};

}  // namespace ikevpn::ifmgr
