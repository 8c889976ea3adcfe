// Every key, and the defaults of the ones not given.
#include <gtest/gtest.h>

#include "daemon/config/proposal_parser.h"
#include "tests/unit/config/test_util.h"

namespace ikevpn::config {
namespace {

using testing::Parse;
using testing::Render;

TEST(ConfigOptions, ConnectionDefaults) {
  auto out = Parse("[c]\nauth = psk\n");
  ASSERT_TRUE(out.ok()) << Render(out.diags.errors).front();
  ASSERT_EQ(out.config.connections.size(), 1u);
  const Connection& c = out.config.connections[0];
  EXPECT_EQ(c.name, "c");
  EXPECT_TRUE(c.local.is_any());
  EXPECT_TRUE(c.remote.is_any());
  EXPECT_EQ(c.remote_port, 500);
  EXPECT_FALSE(c.local_id);
  EXPECT_FALSE(c.remote_id);
  EXPECT_EQ(c.auth, AuthMethod::kPsk);
  EXPECT_EQ(c.remote_auth, AuthMethod::kPsk);
  EXPECT_FALSE(c.psk);
  EXPECT_EQ(c.ike_proposals, DefaultIkeProposals());
  EXPECT_EQ(c.esp_proposals, DefaultEspProposals());
  EXPECT_EQ(c.mode, Mode::kTunnel);
  TsSpec all{
      false,
      {TrafficSelector::All(IpAddress::Family::kV4), TrafficSelector::All(IpAddress::Family::kV6)}};
  EXPECT_EQ(c.local_ts, all);
  EXPECT_EQ(c.remote_ts, all);
  EXPECT_TRUE(c.interface.empty());
  EXPECT_FALSE(c.if_id);
  EXPECT_TRUE(c.interface_addresses.empty());
  EXPECT_EQ(c.metric, 0u);
  EXPECT_FALSE(c.leak_guard);
  EXPECT_EQ(c.start_action, StartAction::kNone);
  EXPECT_EQ(c.dpd_delay, Seconds(30));
  EXPECT_EQ(c.dpd_action, DpdAction::kRestart);
  EXPECT_EQ(c.ike_lifetime, (Lifetime{Seconds(14400), Seconds(600), Seconds(300)}));
  EXPECT_EQ(c.child_lifetime, (Lifetime{Seconds(3600), Seconds(300), Seconds(120)}));
  EXPECT_FALSE(c.reauth);
  EXPECT_EQ(c.reauth_interval, Seconds(86400));
  EXPECT_EQ(c.fragmentation, Fragmentation::kYes);
  EXPECT_EQ(c.encap, Encap::kAuto);
  EXPECT_EQ(c.keepalive, Seconds(20));
  EXPECT_TRUE(c.pools.empty());
  EXPECT_TRUE(c.dns.empty());
  EXPECT_FALSE(c.virtual_ip);
  EXPECT_FALSE(c.inertia);
  EXPECT_EQ(c.inertia_max_age, Seconds(7 * 86400));
  EXPECT_TRUE(c.mobike);
}

TEST(ConfigOptions, GlobalDefaults) {
  auto out = Parse("");
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out.config.connections.empty());
  EXPECT_EQ(out.config.global, GlobalSettings{});
  const GlobalSettings& g = out.config.global;
  EXPECT_EQ(g.secrets_file, "");
  EXPECT_EQ(g.secrets_permissions, PermissionPolicy::kRefuse);
  EXPECT_EQ(g.state_dir, "/var/lib/ikevpn");
  EXPECT_EQ(g.half_open_limit, 5000u);
  EXPECT_EQ(g.cookie_threshold, 100u);
  EXPECT_EQ(g.log_level, "info");
  EXPECT_EQ(g.port, 500);
  EXPECT_EQ(g.port_nat_t, 4500);
  EXPECT_EQ(g.interface_pool, (InterfacePool{"ipsec", 100, 199}));
  EXPECT_EQ(g.retransmit_timeout, Millis(4000));
  EXPECT_EQ(g.retransmit_tries, 5u);
  EXPECT_EQ(g.retransmit_base, 1.8);
  EXPECT_EQ(g.retransmit_jitter, 0u);
}

TEST(ConfigOptions, EveryGlobalKey) {
  auto out = Parse(R"(
log-level = warn          # top-level keys are global too
[global]
secrets = ikevpn.secrets
secrets-permissions = warn
state-dir = /tmp/state
half-open-limit = 200
cookie-threshold = 20
port = 1500
port-nat-t = 14500
interface-pool = vpn10-vpn19
retransmit-timeout = 500ms
retransmit-tries = 3
retransmit-base = 2
retransmit-jitter = 20
)");
  ASSERT_TRUE(out.ok()) << Render(out.diags.errors).front();
  GlobalSettings want;
  want.log_level = "warn";
  want.secrets_file = "ikevpn.secrets";
  want.secrets_permissions = PermissionPolicy::kWarn;
  want.state_dir = "/tmp/state";
  want.half_open_limit = 200;
  want.cookie_threshold = 20;
  want.port = 1500;
  want.port_nat_t = 14500;
  want.interface_pool = {"vpn", 10, 19};
  want.retransmit_timeout = Millis(500);
  want.retransmit_tries = 3;
  want.retransmit_base = 2.0;
  want.retransmit_jitter = 20;
  EXPECT_EQ(out.config.global, want);
}

TEST(ConfigOptions, EveryConnectionKey) {
  auto out = Parse(R"(
[full]
local = 192.0.2.1
remote = 198.51.100.7
remote-port = 4501
local-id = @a.example.org
remote-id = "C=CH, O=Org, CN=b"
auth = pubkey
remote-auth = psk
psk = "a quoted secret with \"quotes\""
cert = /etc/ikevpn/a.pem
key = /etc/ikevpn/a.key
ike = aes128gcm16-prfsha256-ecp256
esp = aes128-sha256-modp2048-esn
mode = transport
local-ts = 192.0.2.1/32[udp/500]
remote-ts = dynamic
interface = vpn-office
if-id = 0x1004d
interface-address = 10.255.0.1/30, fd00::1/64
metric = 50
leak-guard = yes
start-action = trap
dpd-delay = 0
dpd-action = clear
ike-lifetime = 8h
ike-rekey-margin = 30m
ike-rekey-jitter = 0
child-lifetime = 2h
child-rekey-margin = 10m
child-rekey-jitter = 1m
reauth = yes
reauth-interval = 12h
fragmentation = force
encap = yes
keepalive = 0
dns = 192.0.2.53, 2001:db8::53
pool = 10.9.0.0/24, 10.9.1.10-10.9.1.99, fd00:9::/120
inertia = yes
inertia-max-age = 3d
mobike = no
)");
  ASSERT_TRUE(out.diags.errors.empty()) << Render(out.diags.errors).front();
  const Connection& c = out.config.connections.at(0);
  EXPECT_EQ(c.local.address, *IpAddress::Parse("192.0.2.1"));
  EXPECT_EQ(c.remote.kind, Host::Kind::kAddress);
  EXPECT_EQ(c.remote_port, 4501);
  EXPECT_EQ(c.local_id->type, ike::IdType::kFqdn);
  EXPECT_EQ(c.remote_id->type, ike::IdType::kDerAsn1Dn);
  EXPECT_EQ(c.remote_id->text, "C=CH, O=Org, CN=b");
  EXPECT_EQ(c.auth, AuthMethod::kPubkey);
  EXPECT_EQ(c.remote_auth, AuthMethod::kPsk);
  std::string_view want_psk = "a quoted secret with \"quotes\"";
  EXPECT_TRUE(c.psk->value.Equals(Bytes(want_psk.begin(), want_psk.end())));
  EXPECT_EQ(c.cert, "/etc/ikevpn/a.pem");
  EXPECT_EQ(c.key, "/etc/ikevpn/a.key");
  EXPECT_EQ(ToString(c.ike_proposals), "aes128gcm16-prfsha256-ecp256");
  EXPECT_EQ(ToString(c.esp_proposals), "aes128-sha256-modp2048-esn");
  EXPECT_EQ(c.mode, Mode::kTransport);
  ASSERT_EQ(c.local_ts.selectors.size(), 1u);
  EXPECT_EQ(c.local_ts.selectors[0].ip_protocol, 17);
  EXPECT_TRUE(c.remote_ts.dynamic);
  EXPECT_EQ(c.interface, "vpn-office");
  EXPECT_EQ(c.if_id, 0x1004du);
  ASSERT_EQ(c.interface_addresses.size(), 2u);
  EXPECT_EQ(c.interface_addresses[1].ToString(), "fd00::1/64");
  EXPECT_EQ(c.metric, 50u);
  EXPECT_TRUE(c.leak_guard);
  EXPECT_EQ(c.start_action, StartAction::kTrap);
  EXPECT_EQ(c.dpd_delay, Seconds(0));
  EXPECT_EQ(c.dpd_action, DpdAction::kClear);
  EXPECT_EQ(c.ike_lifetime, (Lifetime{Seconds(8 * 3600), Seconds(1800), Seconds(0)}));
  EXPECT_EQ(c.child_lifetime, (Lifetime{Seconds(7200), Seconds(600), Seconds(60)}));
  EXPECT_TRUE(c.reauth);
  EXPECT_EQ(c.reauth_interval, Seconds(12 * 3600));
  EXPECT_EQ(c.fragmentation, Fragmentation::kForce);
  EXPECT_EQ(c.encap, Encap::kForce);
  EXPECT_EQ(c.keepalive, Seconds(0));
  ASSERT_EQ(c.dns.size(), 2u);
  ASSERT_EQ(c.pools.size(), 3u);
  EXPECT_TRUE(c.inertia);
  EXPECT_EQ(c.inertia_max_age, Seconds(3 * 86400));
  EXPECT_FALSE(c.mobike);
}

TEST(ConfigOptions, DerivedValues) {
  auto out = Parse(R"(
[a]
auth = psk
interface = ipsec4
mode = transport
[b]
auth = psk
virtual-ip = yes
remote = vpn.example.org
start-action = start
remote-id = %any
)");
  ASSERT_TRUE(out.ok()) << Render(out.diags.errors).front();
  const Connection& a = out.config.connections[0];
  EXPECT_EQ(a.if_id, 0x10004u);  // ipsecN -> 0x10000 + N
  EXPECT_TRUE(a.local_ts.dynamic);
  EXPECT_TRUE(a.remote_ts.dynamic);
  const Connection& b = out.config.connections[1];
  EXPECT_TRUE(b.local_ts.dynamic);  // the virtual IP
  EXPECT_FALSE(b.remote_ts.dynamic);
  EXPECT_EQ(b.remote.kind, Host::Kind::kHostname);
  EXPECT_FALSE(b.remote_id);
  EXPECT_EQ(out.connection_lines, (std::vector<int>{2, 6}));
}

TEST(ConfigOptions, EnumNamesRoundTrip) {
  EXPECT_EQ(ToString(Mode::kTransport), "transport");
  EXPECT_EQ(ToString(StartAction::kTrap), "trap");
  EXPECT_EQ(ToString(DpdAction::kClear), "clear");
  EXPECT_EQ(ToString(Fragmentation::kForce), "force");
  EXPECT_EQ(ToString(Encap::kForce), "force");
  EXPECT_EQ(ToString(AuthMethod::kPubkey), "pubkey");
  EXPECT_EQ(ToString(PermissionPolicy::kWarn), "warn");
}

TEST(ConfigOptions, ConnectionsKeepFileOrder) {
  auto out = Parse("[z]\nauth = psk\n[a]\nauth = psk\n[m]\nauth = psk\n");
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out.config.connections.size(), 3u);
  EXPECT_EQ(out.config.connections[0].name, "z");
  EXPECT_EQ(out.config.connections[2].name, "m");
  EXPECT_EQ(out.config.Find("a"), &out.config.connections[1]);
  EXPECT_EQ(out.config.Find("nope"), nullptr);
}

}  // namespace
}  // namespace ikevpn::config
