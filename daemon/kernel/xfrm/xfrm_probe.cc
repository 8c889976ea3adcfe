#include "daemon/kernel/xfrm/xfrm_probe.h"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

#include <vector>

#include "daemon/kernel/xfrm/netlink_socket.h"
#include "daemon/kernel/xfrm/xfrm_policy_messages.h"
#include "daemon/kernel/xfrm/xfrm_sa_messages.h"

namespace ikevpn::kernel::xfrm {

namespace {

SaId ProbeSaId() {
  IpAddress lo = IpAddress::V4(0x7f000001);
  return {lo, lo, kProbeSpi, ike::ProtocolId::kEsp};
}

SaData ProbeSaData(ike::EncrId encr) {
  SaData d;
  d.encr = encr;
  d.encr_key_bits = 128;
  d.dual_family = false;
  d.hard.seconds = 10;
  if (encr == ike::EncrId::kAesCbc) {
    d.encr_key = SecretBytes(16);
    d.integ = ike::IntegId::kHmacSha2_256_128;
    d.integ_key = SecretBytes(32);
  } else {
    if (encr == ike::EncrId::kChaCha20Poly1305) d.encr_key_bits = 256;
    d.encr_key = SecretBytes(d.encr_key_bits / 8 + 4);
  }
  return d;
}

// Adds and removes a throwaway SA; the Status of the add.
Status TrySa(NetlinkSocket& sock, ike::EncrId encr) {
  auto msg = BuildAddSa(ProbeSaId(), ProbeSaData(encr), /*update=*/false);
  if (!msg.ok()) return msg.status();
  Status s = sock.Ack(*msg, "probe SA");
  if (s.code() == Code::kExists) return Status::Ok();
  if (s.ok()) (void)sock.Ack(BuildDeleteSa(ProbeSaId()), "delete probe SA");
  return s;
}

void ProbeInterface(XfrmCapabilities& caps) {
  auto sock = NetlinkSocket::Open(NETLINK_ROUTE);
  if (!sock.ok()) {
    caps.interface_detail = sock.status().message();
    return;
  }
  std::string name = "ikvpr" + std::to_string(getpid() % 1000000);
  Status s = sock->Ack(BuildProbeLinkAdd(name, kProbeIfId), "probe xfrm link " + name);
  caps.xfrm_interface = s.ok();
  caps.interface_detail = s.ok() ? "ok" : s.message();
  if (s.ok()) (void)sock->Ack(BuildProbeLinkDelete(name), "delete probe link " + name);
}

}  // namespace

NlMessage BuildProbeLinkAdd(std::string_view name, uint32_t if_id) {
  NlBuilder b(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  b.Struct(ifinfomsg{});
  b.AttrString(IFLA_IFNAME, name);
  size_t info = b.BeginNested(IFLA_LINKINFO);
  b.AttrString(IFLA_INFO_KIND, "xfrm");
  size_t data = b.BeginNested(IFLA_INFO_DATA);
  b.AttrU32(IFLA_XFRM_IF_ID, if_id);
  b.EndNested(data);
  b.EndNested(info);
  return std::move(b).Finish();
}

NlMessage BuildProbeLinkDelete(std::string_view name) {
  NlBuilder b(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
  b.Struct(ifinfomsg{});
  b.AttrString(IFLA_IFNAME, name);
  return std::move(b).Finish();
}

XfrmCapabilities ProbeXfrm() {
  XfrmCapabilities caps;
  auto sock = NetlinkSocket::Open(NETLINK_XFRM);
  Status s = sock.ok() ? sock->Request(BuildPolicyDump(), "dump xfrm policies").status()
                       : sock.status();
  caps.netlink = s.ok();
  caps.netlink_detail = s.ok() ? "ok" : s.message();
  if (caps.netlink) {
    Status esp = TrySa(*sock, ike::EncrId::kAesCbc);
    caps.esp = esp.ok();
    caps.esp_detail = esp.ok() ? "ok" : esp.message();
    caps.aes_gcm = caps.esp && TrySa(*sock, ike::EncrId::kAesGcm16).ok();
    caps.chacha20_poly1305 = caps.esp && TrySa(*sock, ike::EncrId::kChaCha20Poly1305).ok();
  }
  ProbeInterface(caps);
  return caps;
}

std::string XfrmCapabilities::Summary() const {
  if (usable()) {
    std::string s = "kernel has xfrm, ESP and xfrm interfaces";
    if (!aes_gcm) s += " (no AES-GCM for ESP)";
    return s + ": using the xfrm backend";
  }
  std::vector<std::string> missing;
  if (!netlink) missing.push_back("xfrm netlink (CONFIG_XFRM_USER)");
  if (netlink && !esp) missing.push_back("ESP (CONFIG_INET_ESP)");
  if (!xfrm_interface) missing.push_back("xfrm interfaces (CONFIG_XFRM_INTERFACE)");
  std::string s = "kernel lacks ";
  for (size_t i = 0; i < missing.size(); ++i) {
    if (i > 0) s += i + 1 == missing.size() ? " and " : ", ";
    s += missing[i];
  }
  return s + ": using the userspace backend";
}

}  // namespace ikevpn::kernel::xfrm
