// Parsing of the kernel's xfrm events (multicast groups XFRMNLGRP_EXPIRE,
// XFRMNLGRP_ACQUIRE, XFRMNLGRP_MAPPING). Pure and bounds-checked: a short
// or malformed message is a kDrop Status, never a crash.
#pragma once

#include <cstdint>
#include <variant>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/base/traffic_selector.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/xfrm/netlink_message.h"

namespace ikevpn::kernel::xfrm {

// XFRM_MSG_EXPIRE: an SA reached its soft or hard lifetime.
struct ExpireEvent {
  SaId sa;
  uint32_t reqid = 0;
  ExpireKind kind = ExpireKind::kSoft;
};

// XFRM_MSG_ACQUIRE: a packet hit a policy whose template has no SA. The
// selectors are those of the packet; reqid is the first template's.
struct AcquireEvent {
  uint32_t reqid = 0;
  uint32_t if_id = 0;
  TrafficSelector src;
  TrafficSelector dst;
};

// XFRM_MSG_MAPPING: ESP-in-UDP for an inbound SA arrived from a new
// address/port (the peer's NAT mapping changed).
struct MappingEvent {
  SaId sa;  // the inbound SA; src is the old remote address
  uint32_t reqid = 0;
  Endpoint old_remote;
  Endpoint new_remote;
};

// A message of those groups that the daemon does not act on (POLEXPIRE …).
struct OtherEvent {
  uint16_t type = 0;
};

using XfrmEvent = std::variant<ExpireEvent, AcquireEvent, MappingEvent, OtherEvent>;

Result<XfrmEvent> ParseXfrmEvent(const NlMessageView& msg);

}  // namespace ikevpn::kernel::xfrm
