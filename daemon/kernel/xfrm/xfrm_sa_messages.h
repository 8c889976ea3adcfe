// Builders for the SA requests of NETLINK_XFRM (linux/xfrm.h). Pure: they
// return the bytes of one request and never touch a socket, so the bytes are
// unit-tested without root. The sender fills in nlmsg_seq.
#pragma once

#include <cstdint>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"
#include "daemon/kernel/kernel_ipsec.h"
#include "daemon/kernel/xfrm/netlink_message.h"

namespace ikevpn::kernel::xfrm {

// Largest anti-replay window the kernel takes (XFRMA_REPLAY_ESN_MAX bits).
inline constexpr uint32_t kMaxReplayWindow = 4096;

// XFRM_MSG_ALLOCSPI: a larval SA src->dst with a free SPI in [spi_min,
// spi_max]. The kernel answers with XFRM_MSG_NEWSA (no ack flag is set).
NlMessage BuildAllocSpi(const IpAddress& src, const IpAddress& dst, ike::ProtocolId proto,
                        uint32_t spi_min, uint32_t spi_max);

// XFRM_MSG_NEWSA, or XFRM_MSG_UPDSA when `update` (completing a larval SA
// from ALLOCSPI). Checks the data first: families, SPI, algorithms (one
// table, xfrm_algorithms.h), key lengths, replay window.
//   - AEAD (GCM, CCM, GMAC, ChaCha20-Poly1305): XFRMA_ALG_AEAD, key + salt.
//   - otherwise XFRMA_ALG_CRYPT + XFRMA_ALG_AUTH_TRUNC.
//   - ESN, or a window over 32 packets: XFRM_STATE_ESN (ESN only) and
//     XFRMA_REPLAY_ESN_VAL with a zeroed bitmap; the legacy replay_window
//     field must then be 0. Else the legacy field carries the window.
//   - XFRMA_ENCAP (UDP_ENCAP_ESPINUDP) when data.encap is set.
//   - XFRMA_IF_ID when if_id != 0, XFRMA_MARK when mark_mask != 0.
//   - dual_family: XFRM_STATE_AF_UNSPEC and an empty selector.
Result<NlMessage> BuildAddSa(const SaId& id, const SaData& data, bool update);

// XFRM_MSG_DELSA / XFRM_MSG_GETSA for one SA (xfrm_usersa_id + XFRMA_SRCADDR
// + XFRMA_MARK). GETSA has no ack flag: the kernel answers with NEWSA.
NlMessage BuildDeleteSa(const SaId& id);
NlMessage BuildGetSa(const SaId& id);
// XFRM_MSG_GETSA with NLM_F_DUMP: every SA of the namespace.
NlMessage BuildSaDump();

}  // namespace ikevpn::kernel::xfrm
