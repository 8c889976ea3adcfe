// Conversions between the daemon's value types and the fixed xfrm structs
// (linux/xfrm.h): addresses, selectors, protocols, lifetimes.
#pragma once

#include <linux/xfrm.h>

#include <optional>
#include <utility>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/ike/constants.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::kernel::xfrm {

xfrm_address_t ToXfrmAddress(const IpAddress& a);
// nullopt for a family other than AF_INET/AF_INET6.
std::optional<IpAddress> FromXfrmAddress(const xfrm_address_t& a, uint16_t family);

// IPPROTO_ESP / IPPROTO_AH; 0 for anything else.
uint8_t ToIpProto(ike::ProtocolId proto);
ike::ProtocolId FromIpProto(uint8_t proto);

// The same selector with its addresses rebuilt from their bytes. Works
// around IpAddress::Max(kV4) filling all 16 bytes of its storage, which
// makes TrafficSelector::All(kV4) compare unequal to 0.0.0.0/0 and fail
// IsPrefix() (reported; harmless once fixed).
TrafficSelector Normalized(const TrafficSelector& ts);

// A selector for traffic from `src` to `dst`. Both must be one family, each
// address range one prefix and each port range expressible as port/mask
// (any, one port, or an aligned power-of-two block); else kUnsupported.
Result<xfrm_selector> ToSelector(const TrafficSelector& src, const TrafficSelector& dst);
// The two selectors of an xfrm_selector; nullopt if its family is unknown.
std::optional<std::pair<TrafficSelector, TrafficSelector>> FromSelector(const xfrm_selector& sel);

// Byte and packet limits of 0 ("no limit") become XFRM_INF: the kernel reads
// 0 as "expire at once". Time limits stay 0, which the kernel reads as "no
// limit" (XFRM_INF there would overflow its timer arithmetic).
xfrm_lifetime_cfg ToLifetimeCfg(const Lifetime& soft, const Lifetime& hard);
xfrm_lifetime_cfg UnlimitedLifetimeCfg();

// XFRMA_ENCAP payload: ESP in UDP (RFC 3948), ports in network order.
xfrm_encap_tmpl ToEncapTmpl(const UdpEncap& encap);

}  // namespace ikevpn::kernel::xfrm
