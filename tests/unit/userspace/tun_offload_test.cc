// TUN and UDP offload paths: the Internet checksum against a known header,
// TSO super-packets cut into segments with valid checksums, segments joined
// back into the same super-packet (through a pipe), and UDP GSO/GRO over
// loopback.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/kernel/userspace/inet_checksum.h"
#include "daemon/kernel/userspace/tun_coalesce.h"
#include "daemon/kernel/userspace/tun_segment.h"
#include "daemon/kernel/userspace/udp_io.h"

namespace ikevpn::kernel::userspace {
namespace {

constexpr uint8_t kAck = 0x10, kPsh = 0x08;

// True if the checksum over `p` (with the pseudo-header sum) verifies.
bool Verifies(const uint8_t* p, size_t n, uint64_t sum = 0) {
  return ChecksumFold(ChecksumAdd(p, n, sum)) == 0xffff;
}

// IPv4 or IPv6 + TCP (with a 12-byte timestamp option) + payload, as the
// kernel hands a TSO super-packet to a TUN reader: virtio_net_hdr first,
// the TCP checksum field holding the pseudo-header sum.
std::vector<uint8_t> SuperPacket(bool v6, size_t payload, uint16_t mss, uint8_t flags) {
  size_t ip = v6 ? 40 : 20, tcp = 32, total = ip + tcp + payload;
  std::vector<uint8_t> buf(kVnetHdrSize + total);
  uint8_t* p = buf.data() + kVnetHdrSize;
  if (v6) {
    p[0] = 0x60;
    StoreBe16(p + 4, static_cast<uint16_t>(total - 40));
    p[6] = 6;
    p[7] = 64;
    inet_pton(AF_INET6, "fd00:1::1", p + 8);
    inet_pton(AF_INET6, "fd00:2::1", p + 24);
  } else {
    p[0] = 0x45;
    StoreBe16(p + 2, static_cast<uint16_t>(total));
    StoreBe16(p + 4, 0x1234);
    p[6] = 0x40;  // DF
    p[8] = 64;
    p[9] = 6;
    inet_pton(AF_INET, "10.1.0.1", p + 12);
    inet_pton(AF_INET, "10.2.0.1", p + 16);
    FixIpv4HeaderChecksum(p);
  }
  uint8_t* t = p + ip;
  StoreBe16(t, 40000);
  StoreBe16(t + 2, 5201);
  StoreBe32(t + 4, 0xfffff000);  // wraps inside the run
  StoreBe32(t + 8, 777);
  t[12] = 8 << 4;
  t[13] = flags;
  StoreBe16(t + 14, 501);
  const uint8_t ts[12] = {1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7};
  memcpy(t + 20, ts, sizeof ts);
  for (size_t i = 0; i < payload; ++i) t[tcp + i] = static_cast<uint8_t>(i * 7 + i / 256);
  StorePartialChecksum(t + 16, PseudoHeaderSum(p, 6, static_cast<uint32_t>(total - ip)));
  VnetHdr h{};
  h.flags = VnetHdr::kNeedsCsum;
  h.gso_type = payload > mss ? (v6 ? VnetHdr::kGsoTcpV6 : VnetHdr::kGsoTcpV4) : VnetHdr::kGsoNone;
  h.hdr_len = static_cast<uint16_t>(ip + tcp);
  h.gso_size = payload > mss ? mss : 0;
  h.csum_start = static_cast<uint16_t>(ip);
  h.csum_offset = 16;
  memcpy(buf.data(), &h, sizeof h);
  return buf;
}

struct Slots {
  explicit Slots(size_t n) : storage(n * 2048), packets(n) {
    for (size_t i = 0; i < n; ++i) packets[i].Reset(storage.data() + i * 2048, 2048);
  }
  std::vector<uint8_t> storage;
  std::vector<PacketBuffer> packets;
};

TEST(InetChecksumTest, KnownIpv4Header) {
  // The classic example header; its checksum is 0xb861.
  Bytes h;
  ASSERT_TRUE(FromHex("450000730000400040110000c0a80001c0a800c7", &h));
  FixIpv4HeaderChecksum(h.data());
  EXPECT_EQ(LoadBe16(h.data() + 10), 0xb861);
  EXPECT_TRUE(Verifies(h.data(), h.size()));
  // Odd lengths pad with a zero byte.
  const uint8_t odd[3] = {0x01, 0x02, 0x03};
  EXPECT_EQ(ChecksumFold(ChecksumAdd(odd, 3, 0)), ChecksumFold(ChecksumAdd(Bytes{1, 2, 3, 0}.data(), 4, 0)));
}

class TunSegmentTest : public ::testing::TestWithParam<bool> {};

TEST_P(TunSegmentTest, SuperPacketIsCutIntoValidSegmentsAndJoinedBack) {
  const bool v6 = GetParam();
  const size_t ip = v6 ? 40 : 20, hdr = ip + 32, mss = 1000, payload = 3500;
  std::vector<uint8_t> read = SuperPacket(v6, payload, mss, kAck | kPsh);
  const uint8_t* orig = read.data() + kVnetHdrSize;
  TunSegmenter seg;
  ASSERT_TRUE(seg.Start(read.data(), read.size()));
  ASSERT_EQ(seg.remaining(), 4u);
  Slots slots(4);
  for (size_t i = 0; i < 4; ++i) {
    PacketBuffer& p = slots.packets[i];
    ASSERT_TRUE(seg.Next(p));
    size_t chunk = i < 3 ? mss : payload - 3 * mss;
    ASSERT_EQ(p.length, hdr + chunk);
    const uint8_t* d = p.data();
    const uint8_t* t = d + ip;
    if (v6) {
      EXPECT_EQ(LoadBe16(d + 4), hdr - 40 + chunk);
    } else {
      EXPECT_EQ(LoadBe16(d + 2), hdr + chunk);
      EXPECT_EQ(LoadBe16(d + 4), 0x1234 + i);
      EXPECT_TRUE(Verifies(d, 20));
    }
    EXPECT_EQ(LoadBe32(t + 4), static_cast<uint32_t>(0xfffff000 + i * mss));
    EXPECT_EQ(t[13], i < 3 ? kAck : (kAck | kPsh));
    uint32_t l4 = static_cast<uint32_t>(p.length - ip);
    EXPECT_TRUE(Verifies(t, l4, PseudoHeaderSum(d, 6, l4))) << "segment " << i;
    EXPECT_EQ(memcmp(d + hdr, orig + hdr + i * mss, chunk), 0);
  }
  EXPECT_FALSE(seg.Next(slots.packets[0]));

  // GRO: the four segments leave as one write equal to what was read.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  TunWriter writer;
  for (auto& p : slots.packets) EXPECT_EQ(writer.Add(fds[1], true, p), 0u);
  EXPECT_EQ(writer.Flush(), 0u);
  EXPECT_EQ(writer.coalesced_writes(), 1u);
  std::vector<uint8_t> got(read.size() + 100);
  ASSERT_EQ(::read(fds[0], got.data(), got.size()), static_cast<ssize_t>(read.size()));
  VnetHdr h;
  memcpy(&h, got.data(), sizeof h);
  EXPECT_EQ(h.gso_type, v6 ? VnetHdr::kGsoTcpV6 : VnetHdr::kGsoTcpV4);
  EXPECT_EQ(h.gso_size, mss);
  EXPECT_EQ(h.csum_start, ip);
  EXPECT_EQ(h.csum_offset, 16);
  EXPECT_EQ(h.flags, VnetHdr::kNeedsCsum);
  EXPECT_EQ(Bytes(got.begin() + kVnetHdrSize, got.begin() + static_cast<long>(read.size())),
            Bytes(read.begin() + kVnetHdrSize, read.end()));
  close(fds[0]);
  close(fds[1]);
}

INSTANTIATE_TEST_SUITE_P(Families, TunSegmentTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "IPv6" : "IPv4"; });

TEST(TunSegmentTest, SmallPacketGetsItsChecksumFinished) {
  std::vector<uint8_t> read = SuperPacket(false, 100, 1000, kAck);
  TunSegmenter seg;
  ASSERT_TRUE(seg.Start(read.data(), read.size()));
  Slots slots(1);
  ASSERT_TRUE(seg.Next(slots.packets[0]));
  const uint8_t* d = slots.packets[0].data();
  EXPECT_TRUE(Verifies(d + 20, 132, PseudoHeaderSum(d, 6, 132)));
}

TEST(TunSegmentTest, MalformedReadsAreRefused) {
  TunSegmenter seg;
  std::vector<uint8_t> read = SuperPacket(false, 3000, 1000, kAck);
  EXPECT_FALSE(seg.Start(read.data(), kVnetHdrSize + 10));  // truncated
  read[kVnetHdrSize + 20 + 12] = 0xf0;                      // data offset past the end
  std::vector<uint8_t> shortened(read.begin(), read.begin() + kVnetHdrSize + 40);
  EXPECT_FALSE(seg.Start(shortened.data(), shortened.size()));
  read = SuperPacket(false, 3000, 1000, kAck);
  read[1] = 3;  // UDP GSO was never enabled
  EXPECT_FALSE(seg.Start(read.data(), read.size()));
  read = SuperPacket(false, 3000, 1000, kAck);
  read[kVnetHdrSize] = 0x65;  // IPv6 version in a TCPV4 read
  EXPECT_FALSE(seg.Start(read.data(), read.size()));
}

// Reads every write from the socket: their sizes.
std::vector<size_t> Writes(int fd) {
  std::vector<size_t> sizes;
  std::vector<uint8_t> buf(70000);
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n <= 0) break;
    sizes.push_back(static_cast<size_t>(n));
  }
  return sizes;
}

TEST(TunWriterTest, OnlyContiguousSegmentsOfOneFlowJoin) {
  std::vector<uint8_t> read = SuperPacket(false, 4000, 1000, kAck);
  TunSegmenter seg;
  ASSERT_TRUE(seg.Start(read.data(), read.size()));
  Slots slots(4);
  for (auto& p : slots.packets) ASSERT_TRUE(seg.Next(p));
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds), 0);  // keeps writes apart
  TunWriter writer;
  // 0, 1 join; 3 is not next in sequence; then 2 alone (PSH closes nothing here).
  writer.Add(fds[1], true, slots.packets[0]);
  writer.Add(fds[1], true, slots.packets[1]);
  writer.Add(fds[1], true, slots.packets[3]);
  writer.Add(fds[1], true, slots.packets[2]);
  writer.Flush();
  EXPECT_EQ(Writes(fds[0]), (std::vector<size_t>{kVnetHdrSize + 20 + 32 + 2000,
                                                 kVnetHdrSize + 20 + 32 + 1000,
                                                 kVnetHdrSize + 20 + 32 + 1000}));
  // Without IFF_VNET_HDR: one plain write per packet.
  for (auto& p : slots.packets) writer.Add(fds[1], false, p);
  writer.Flush();
  EXPECT_EQ(Writes(fds[0]).size(), 4u);
  close(fds[0]);
  close(fds[1]);
}

TEST(UdpOffloadTest, GsoSendAndGroReceiveOverLoopback) {
  int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(rx, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(rx, reinterpret_cast<sockaddr*>(&addr), &len);
  uint16_t port = 0;
  ASSERT_EQ(PrepareNatTSocket(rx, &port), AF_INET);
  bool gro = EnableUdpGro(rx);

  std::vector<uint8_t> storage(8 * 2048);
  std::vector<PacketBuffer> out(8);
  UdpTxBatch batch(8, /*gso=*/true);
  Endpoint to{*IpAddress::Parse("127.0.0.1"), port};
  for (size_t i = 0; i < 6; ++i) {
    out[i].Reset(storage.data() + i * 2048, 2048);
    out[i].length = i < 5 ? 1200 : 700;  // five equal, the last shorter
    memset(out[i].data(), static_cast<int>(0x10 + i), out[i].length);
    batch.Add(out[i], to);
  }
  EXPECT_EQ(batch.Flush(tx), 0u);
  EXPECT_TRUE(batch.gso());

  UdpRxBatch in(4, kPacketHeadroom + 65536 + kPacketTailroom, gro);
  size_t got = 0;
  for (int tries = 0; got < 6 && tries < 100; ++tries) {
    size_t n = in.Receive(rx, port);
    for (size_t i = 0; i < n; ++i, ++got) {
      PacketBuffer& p = in.packet(i);
      ASSERT_EQ(p.length, got < 5 ? 1200u : 700u);
      EXPECT_EQ(p.data()[0], 0x10 + got);
      EXPECT_EQ(p.data()[p.length - 1], 0x10 + got);
      EXPECT_EQ(in.destination(i).port, port);
    }
    if (n == 0) usleep(1000);
  }
  EXPECT_EQ(got, 6u);
  close(rx);
  close(tx);
}

}  // namespace
}  // namespace ikevpn::kernel::userspace
