// SAs, the capability probe and kernel events against this kernel. On the
// CI machine the kernel has no ESP: SA adds must fail cleanly and the probe
// must say so; where the kernel has ESP (the qemu VM) the SA tests run the
// full add/query/move/delete path instead.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/kernel/xfrm/xfrm_ipsec.h"
#include "daemon/kernel/xfrm/xfrm_probe.h"
#include "tests/integration/xfrm/netns.h"

namespace ikevpn::kernel::xfrm::testing {
namespace {

IpAddress A(const char* s) { return *IpAddress::Parse(s); }

SaData CbcData() {
  SaData d;
  d.reqid = 42;
  d.encr = ike::EncrId::kAesCbc;
  d.encr_key_bits = 128;
  d.encr_key = SecretBytes(16);
  d.integ = ike::IntegId::kHmacSha2_256_128;
  d.integ_key = SecretBytes(32);
  d.encap = UdpEncap{};
  d.inbound = true;
  return d;
}

TEST(XfrmProbeIntegration, ReportsWhatThisKernelLacks) {
  XFRM_NEEDS_NETNS();
  XfrmCapabilities caps = ProbeXfrm();
  std::cout << "probe: " << caps.Summary() << "\n  netlink: " << caps.netlink_detail
            << "\n  esp: " << caps.esp_detail << "\n  xfrm interface: " << caps.interface_detail
            << "\n";
  RecordProperty("summary", caps.Summary());
  EXPECT_TRUE(caps.netlink) << caps.netlink_detail;
  if (!caps.esp) {
    EXPECT_NE(caps.Summary().find("kernel lacks ESP (CONFIG_INET_ESP)"), std::string::npos);
    EXPECT_NE(caps.esp_detail.find("Protocol not supported"), std::string::npos)
        << caps.esp_detail;
    EXPECT_FALSE(caps.aes_gcm);
  }
  if (!caps.xfrm_interface) {
    EXPECT_NE(caps.Summary().find("xfrm interfaces (CONFIG_XFRM_INTERFACE)"), std::string::npos);
  }
  // Nothing left behind.
  EXPECT_EQ(Sh("ip xfrm state").output, "");
  EXPECT_EQ(Sh("ip -o link show type xfrm").output, "");
}

TEST(XfrmSaIntegration, AddFailsCleanlyWithoutEspAndFlushRemovesLarvalSa) {
  XFRM_NEEDS_NETNS();
  if (ProbeXfrm().esp) GTEST_SKIP() << "kernel has ESP: covered by FullSaLifecycle";
  auto x = XfrmIpsec::Create(nullptr);
  ASSERT_TRUE(x.ok());
  auto spi = (*x)->AllocateSpi(A("198.51.100.2"), A("192.0.2.1"), ike::ProtocolId::kEsp);
  ASSERT_TRUE(spi.ok()) << spi.status().ToString();
  SaId id{A("198.51.100.2"), A("192.0.2.1"), *spi, ike::ProtocolId::kEsp, 0x10007};
  EXPECT_NE(Sh("ip xfrm state").output.find("192.0.2.1"), std::string::npos) << "larval SA";

  Status add = (*x)->AddSa(id, CbcData());
  EXPECT_EQ(add.code(), Code::kUnsupported) << add.ToString();
  EXPECT_NE(add.message().find("kernel lacks ESP (CONFIG_INET_ESP)"), std::string::npos)
      << add.message();
  EXPECT_NE(add.message().find("add SA ESP 0x"), std::string::npos) << add.message();
  std::cout << "AddSa: " << add.ToString() << "\n";

  // The kernel checks the attributes (verify_newsa_info: ESN and replay
  // rules, algorithm attributes, encap) before it looks up the ESP type, so
  // "unsupported" rather than "invalid argument" means it accepted our
  // layout of each variant.
  for (int variant = 0; variant < 4; ++variant) {
    SaData d = CbcData();
    if (variant >= 1) {
      d.encr = variant == 3 ? ike::EncrId::kChaCha20Poly1305 : ike::EncrId::kAesGcm16;
      d.encr_key_bits = 256;
      d.encr_key = SecretBytes(36);
      d.integ = ike::IntegId::kNone;
      d.integ_key = SecretBytes();
    }
    d.esn = variant == 2;
    d.replay_window = variant == 0 ? 32 : 1024;
    d.initial_seq = variant == 2 ? 0x100000000 : 0;
    d.encap.reset();
    SaId v{A("192.0.2.1"), A("198.51.100.2"), 0x3000u + variant, ike::ProtocolId::kEsp, 0x10007};
    Status s = (*x)->AddSa(v, d);
    EXPECT_EQ(s.code(), Code::kUnsupported) << "variant " << variant << ": " << s.ToString();
  }

  Status flush = (*x)->FlushOwned();
  EXPECT_TRUE(flush.ok()) << flush.ToString();
  EXPECT_EQ(Sh("ip xfrm state").output, "");
  EXPECT_EQ((*x)->QuerySa(id).status().code(), Code::kNotFound);
  EXPECT_EQ((*x)->DeleteSa(id).code(), Code::kNotFound);
}

TEST(XfrmSaIntegration, FullSaLifecycle) {
  XFRM_NEEDS_NETNS();
  if (!ProbeXfrm().esp) GTEST_SKIP() << "kernel lacks ESP (runs in the qemu VM)";
  auto x = XfrmIpsec::Create(nullptr);
  ASSERT_TRUE(x.ok());
  auto spi = (*x)->AllocateSpi(A("198.51.100.2"), A("192.0.2.1"), ike::ProtocolId::kEsp);
  ASSERT_TRUE(spi.ok()) << spi.status().ToString();
  SaId id{A("198.51.100.2"), A("192.0.2.1"), *spi, ike::ProtocolId::kEsp, 0x10007};
  Status add = (*x)->AddSa(id, CbcData());
  ASSERT_TRUE(add.ok()) << add.ToString();
  auto stats = (*x)->QuerySa(id);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->packets, 0u);
  Status move = (*x)->UpdateSa(id, A("203.0.113.7"), id.dst, UdpEncap{4500, 31000});
  ASSERT_TRUE(move.ok()) << move.ToString();
  std::string ip = Sh("ip xfrm state").output;
  EXPECT_NE(ip.find("src 203.0.113.7 dst 192.0.2.1"), std::string::npos) << ip;
  EXPECT_NE(ip.find("encap type espinudp sport 4500 dport 31000"), std::string::npos) << ip;
  EXPECT_NE(ip.find("if_id 0x10007"), std::string::npos) << ip;
  // AEADs where the kernel has them (the VM needs drbg for GCM).
  XfrmCapabilities caps = ProbeXfrm();
  for (auto [encr, have] : {std::pair{ike::EncrId::kAesGcm16, caps.aes_gcm},
                            std::pair{ike::EncrId::kChaCha20Poly1305, caps.chacha20_poly1305}}) {
    if (!have) continue;
    SaData d = CbcData();
    d.encr = encr;
    d.encr_key_bits = 256;
    d.encr_key = SecretBytes(36);
    d.integ = ike::IntegId::kNone;
    d.integ_key = SecretBytes();
    SaId aead{A("192.0.2.1"), A("198.51.100.2"), 0x2000 + static_cast<uint32_t>(encr),
              ike::ProtocolId::kEsp, 0x10007};
    Status s = (*x)->AddSa(aead, d);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_TRUE((*x)->FlushOwned().ok());
  EXPECT_EQ(Sh("ip xfrm state").output, "");
}

// Real kernel bytes through the monitor: a packet hitting an ESP policy with
// no SA makes the kernel send ACQUIRE; a larval SA timing out sends EXPIRE.
TEST(XfrmMonitorIntegration, ReceivesAcquireAndExpireFromTheKernel) {
  XFRM_NEEDS_NETNS();
  SystemClock clock;
  EventLoop loop(clock);
  ASSERT_TRUE(loop.Init().ok());
  std::vector<XfrmEvent> events;
  auto monitor = XfrmMonitor::Start(loop, [&](const XfrmEvent& e) { events.push_back(e); });
  ASSERT_TRUE(monitor.ok()) << monitor.status().ToString();

  // On a veth: loopback has disable_xfrm/disable_policy set.
  ASSERT_EQ(Sh("ip link add xv0 type veth peer name xv1 && ip link set xv0 up && "
               "ip link set xv1 up && ip addr add 10.55.0.1/24 dev xv0 && "
               "ip route add 10.66.0.0/24 dev xv0 && "
                "ip xfrm policy add src 10.55.0.1/32 dst 10.66.0.1/32 proto udp dport 9 dir out "
                "tmpl src 10.55.0.1 dst 10.66.0.1 proto esp reqid 9 mode tunnel && "
                "sysctl -qw net.core.xfrm_acq_expires=1")
                .status,
            0);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in local{AF_INET, 0, {htonl(0x0a370001)}, {}};
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
  sockaddr_in remote{AF_INET, htons(9), {htonl(0x0a420001)}, {}};
  (void)sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&remote), sizeof remote);
  close(fd);

  // ALLOCSPI makes a larval SA that expires (hard) after xfrm_acq_expires.
  auto x = XfrmIpsec::Create(nullptr);
  ASSERT_TRUE(x.ok());
  ASSERT_TRUE((*x)->AllocateSpi(A("10.66.0.1"), A("10.55.0.1"), ike::ProtocolId::kEsp).ok());

  bool acquire = false, expire = false;
  for (int i = 0; i < 60 && !(acquire && expire); ++i) {
    ASSERT_TRUE(loop.RunOnce(std::chrono::milliseconds(100)).ok());
    for (const XfrmEvent& e : events) {
      if (auto* a = std::get_if<AcquireEvent>(&e)) {
        acquire = true;
        EXPECT_EQ(a->reqid, 9u);
        EXPECT_EQ(a->src.start, A("10.55.0.1"));
        EXPECT_EQ(a->dst.start, A("10.66.0.1"));
        EXPECT_EQ(a->dst.ip_protocol, IPPROTO_UDP);
        EXPECT_EQ(a->dst.start_port, 9);
      }
      if (auto* x2 = std::get_if<ExpireEvent>(&e)) {
        expire = expire || x2->sa.dst == A("10.55.0.1");
        EXPECT_EQ(x2->kind, ExpireKind::kHard);
      }
    }
  }
  EXPECT_TRUE(acquire) << "no ACQUIRE within 6 s";
  EXPECT_TRUE(expire) << "no EXPIRE within 6 s";
}

}  // namespace
}  // namespace ikevpn::kernel::xfrm::testing
