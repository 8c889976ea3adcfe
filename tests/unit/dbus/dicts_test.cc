#include "dbus/dicts.h"

#include <gtest/gtest.h>

namespace ikevpn::dbus {
namespace {

TEST(WireNamesTest, States) {
  EXPECT_EQ(ConnectionStateName(api::ConnectionState::kDown), "down");
  EXPECT_EQ(ConnectionStateName(api::ConnectionState::kConnecting), "connecting");
  EXPECT_EQ(ConnectionStateName(api::ConnectionState::kUp), "up");
  EXPECT_EQ(ConnectionStateName(api::ConnectionState::kClosing), "closing");
}

TEST(WireNamesTest, EventKinds) {
  EXPECT_EQ(EventKindName(api::EventKind::kConnectionState), "connection_state");
  EXPECT_EQ(EventKindName(api::EventKind::kIkeSaUp), "ike_sa_up");
  EXPECT_EQ(EventKindName(api::EventKind::kIkeSaDown), "ike_sa_down");
  EXPECT_EQ(EventKindName(api::EventKind::kIkeSaRekeyed), "ike_sa_rekeyed");
  EXPECT_EQ(EventKindName(api::EventKind::kChildSaUp), "child_sa_up");
  EXPECT_EQ(EventKindName(api::EventKind::kChildSaDown), "child_sa_down");
  EXPECT_EQ(EventKindName(api::EventKind::kChildSaRekeyed), "child_sa_rekeyed");
  EXPECT_EQ(EventKindName(api::EventKind::kFailed), "failed");
  EXPECT_EQ(EventKindName(api::EventKind::kReloaded), "reloaded");
}

TEST(DictTest, ConnectionKeysAndTypes) {
  api::ConnectionInfo c;
  c.name = "home-lab";
  c.state = api::ConnectionState::kUp;
  c.if_id = 7;
  c.remote_addrs = {"192.0.2.1"};
  Dict d = ToDict(c);
  EXPECT_EQ(d.at("name").get<std::string>(), "home-lab");
  EXPECT_EQ(d.at("state").get<std::string>(), "up");
  EXPECT_EQ(d.at("if_id").peekValueType(), "u");
  EXPECT_EQ(d.at("if_id").get<uint32_t>(), 7u);
  EXPECT_EQ(d.at("remote_addrs").get<std::vector<std::string>>(), std::vector<std::string>{"192.0.2.1"});
  EXPECT_EQ(std::string(d.at("path").get<sdbus::ObjectPath>()), "/net/ikevpn/Daemon1/connection/home_2dlab");
  EXPECT_EQ(d.size(), 17u);
}

TEST(DictTest, IkeSaEndpointsAndTimes) {
  api::IkeSaInfo sa;
  sa.id = 3;
  sa.local = {*IpAddress::Parse("2001:db8::1"), 4500};
  sa.remote = {*IpAddress::Parse("192.0.2.9"), 500};
  sa.established = 1700000000;
  sa.rekey_at = 1700003600;
  sa.virtual_ips = {*Prefix::Parse("10.9.0.2/32")};
  sa.udp_encap = true;  // forced: ESP in UDP, no NAT
  Dict d = ToDict(sa);
  EXPECT_EQ(d.at("id").peekValueType(), "t");
  EXPECT_EQ(d.at("local_address").get<std::string>(), "[2001:db8::1]:4500");
  EXPECT_EQ(d.at("remote_address").get<std::string>(), "192.0.2.9:500");
  EXPECT_EQ(d.at("established").peekValueType(), "x");
  EXPECT_EQ(d.at("rekey_time").get<int64_t>(), 1700003600);
  EXPECT_EQ(d.at("virtual_ips").get<std::vector<std::string>>(), std::vector<std::string>{"10.9.0.2/32"});
  EXPECT_FALSE(d.at("nat_local").get<bool>());
  EXPECT_FALSE(d.at("nat_remote").get<bool>());
  EXPECT_TRUE(d.at("udp_encap").get<bool>());
}

TEST(DictTest, ChildSaCounters) {
  api::ChildSaInfo sa;
  sa.id = 4;
  sa.ike_sa_id = 3;
  sa.bytes_in = 1ULL << 40;
  sa.spi_in = 0xc0000004;
  Dict d = ToDict(sa);
  EXPECT_EQ(d.at("bytes_in").get<uint64_t>(), 1ULL << 40);
  EXPECT_EQ(d.at("spi_in").get<uint32_t>(), 0xc0000004u);
  EXPECT_EQ(d.at("ike_sa_id").get<uint64_t>(), 3u);
}

TEST(DictTest, EventDetailsCarryOnlyWhatApplies) {
  api::Event state{.kind = api::EventKind::kConnectionState, .connection = "x",
                   .state = api::ConnectionState::kUp};
  Dict d = EventDetails(state);
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.at("state").get<std::string>(), "up");

  api::Event failed{.kind = api::EventKind::kFailed, .connection = "x",
                    .reason = "AUTHENTICATION_FAILED", .cause = api::DownCause::kAuthFailed};
  d = EventDetails(failed);
  EXPECT_EQ(d.at("reason").get<std::string>(), "AUTHENTICATION_FAILED");
  EXPECT_EQ(d.at("cause").get<std::string>(), "auth-failed");
  EXPECT_TRUE(d.at("auth_failure").get<bool>());

  // Any other cause of a failure is not an authentication failure.
  failed.cause = api::DownCause::kPeerDead;
  d = EventDetails(failed);
  EXPECT_EQ(d.at("cause").get<std::string>(), "peer-dead");
  EXPECT_FALSE(d.at("auth_failure").get<bool>());

  api::Event down{.kind = api::EventKind::kIkeSaDown, .connection = "x", .ike_sa_id = 3,
                  .reason = "replaced by a new IKE_SA of carol", .cause = api::DownCause::kReplaced};
  d = EventDetails(down);
  EXPECT_EQ(d.at("cause").get<std::string>(), "replaced");
  EXPECT_EQ(d.at("reason").get<std::string>(), "replaced by a new IKE_SA of carol");
  EXPECT_EQ(d.count("auth_failure"), 0u);
  EXPECT_EQ(d.count("state"), 0u);

  api::Event rekey{.kind = api::EventKind::kChildSaRekeyed, .connection = "x", .ike_sa_id = 1,
                   .child_sa_id = 2, .new_sa_id = 5};
  d = EventDetails(rekey);
  EXPECT_EQ(d.at("new_sa_id").get<uint64_t>(), 5u);
  EXPECT_EQ(d.at("child_sa_id").get<uint64_t>(), 2u);
  EXPECT_EQ(d.count("auth_failure"), 0u);
  EXPECT_EQ(d.count("cause"), 0u);
}

}  // namespace
}  // namespace ikevpn::dbus
