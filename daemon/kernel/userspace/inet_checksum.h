// The Internet checksum (RFC 1071) for the TUN offload paths: summed in the
// machine's byte order, which RFC 1071 §2(B) allows — a folded sum stored
// with memcpy lands in the packet in network order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ikevpn::kernel::userspace {

// Adds `n` bytes at `p` to `sum`. `p` must start at an even offset from the
// first byte that the checksum covers (odd trailing byte padded with zero).
uint64_t ChecksumAdd(const uint8_t* p, size_t n, uint64_t sum);
// Folds a sum to 16 bits (not complemented).
uint16_t ChecksumFold(uint64_t sum);
// Stores ~fold(sum) / fold(sum) at `field` (2 bytes).
void StoreChecksum(uint8_t* field, uint64_t sum);
void StorePartialChecksum(uint8_t* field, uint64_t sum);

// The TCP/UDP pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1) of the IP packet
// at `ip` (version from its first nibble) for an upper-layer length.
uint64_t PseudoHeaderSum(const uint8_t* ip, uint8_t protocol, uint32_t l4_length);
// Recomputes the IPv4 header checksum of the header at `ip`.
void FixIpv4HeaderChecksum(uint8_t* ip);

}  // namespace ikevpn::kernel::userspace
