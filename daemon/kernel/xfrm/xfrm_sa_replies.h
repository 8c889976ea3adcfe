// Reading the kernel's SA messages (XFRM_MSG_NEWSA as the answer to
// ALLOCSPI, GETSA and dumps), and re-creating an SA at new addresses from
// its current state (MOBIKE, NAT mapping change).
#pragma once

#include <optional>

#include "daemon/base/status.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/xfrm/netlink_message.h"

namespace ikevpn::kernel::xfrm {

// An SA as listed by the kernel.
struct SaRecord {
  SaId id;
  uint32_t reqid = 0;
  bool larval = false;  // no algorithms yet (ALLOCSPI or acquire state)
};

// The SPI of the larval SA that ALLOCSPI made.
Result<uint32_t> ParseAllocSpiReply(const NlMessageView& msg);
Result<SaRecord> ParseSaRecord(const NlMessageView& msg);
// Counters of a GETSA answer: curlft, stats and XFRMA_LASTUSED.
Result<SaStats> ParseSaStats(const NlMessageView& msg);

// The XFRMA_ENCAP of an SA message (nullopt: plain ESP or malformed).
std::optional<UdpEncap> ParseSaEncap(const NlMessageView& msg);

// From the GETSA answer for an SA, an XFRM_MSG_NEWSA that re-creates it with
// outer addresses new_src -> new_dst and the given encapsulation (none:
// plain ESP). Keys, replay state and counters (XFRMA_REPLAY_*,
// XFRMA_LTIME_VAL) are carried over so sequence numbers continue; a
// transport-mode host selector follows the addresses. The caller deletes
// the old SA first when the destination (the SA's key) is unchanged.
Result<NlMessage> BuildMovedSa(const NlMessageView& current, const IpAddress& new_src,
                               const IpAddress& new_dst, const std::optional<UdpEncap>& encap);

}  // namespace ikevpn::kernel::xfrm
