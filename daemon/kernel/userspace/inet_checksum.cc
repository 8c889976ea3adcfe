#include "daemon/kernel/userspace/inet_checksum.h"

#include <cstring>

namespace ikevpn::kernel::userspace {

uint64_t ChecksumAdd(const uint8_t* p, size_t n, uint64_t sum) {
  // 32-bit words into a 64-bit accumulator: no carry is lost for any
  // length below 2^32 words.
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    sum += (w & 0xffffffffu) + (w >> 32);
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    uint32_t w;
    memcpy(&w, p, 4);
    sum += w;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    uint16_t w;
    memcpy(&w, p, 2);
    sum += w;
    p += 2;
    n -= 2;
  }
  if (n) {
    uint8_t tail[2] = {p[0], 0};
    uint16_t w;
    memcpy(&w, tail, 2);
    sum += w;
  }
  return sum;
}

uint16_t ChecksumFold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

void StoreChecksum(uint8_t* field, uint64_t sum) {
  uint16_t c = static_cast<uint16_t>(~ChecksumFold(sum));
  memcpy(field, &c, 2);
}

void StorePartialChecksum(uint8_t* field, uint64_t sum) {
  uint16_t c = ChecksumFold(sum);
  memcpy(field, &c, 2);
}

uint64_t PseudoHeaderSum(const uint8_t* ip, uint8_t protocol, uint32_t l4_length) {
  uint8_t tail[8] = {0,
                     0,
                     static_cast<uint8_t>(l4_length >> 24),
                     static_cast<uint8_t>(l4_length >> 16),
                     static_cast<uint8_t>(l4_length >> 8),
                     static_cast<uint8_t>(l4_length),
                     0,
                     protocol};
  // IPv4: src, dst, then zero/protocol/length (the 32-bit length form sums
  // to the same value); IPv6: src, dst, 32-bit length, zero, next header.
  uint64_t sum = (ip[0] >> 4) == 4 ? ChecksumAdd(ip + 12, 8, 0) : ChecksumAdd(ip + 8, 32, 0);
  return ChecksumAdd(tail, sizeof tail, sum);
}

void FixIpv4HeaderChecksum(uint8_t* ip) {
  size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
  ip[10] = ip[11] = 0;
  StoreChecksum(ip + 10, ChecksumAdd(ip, ihl, 0));
}

}  // namespace ikevpn::kernel::userspace
