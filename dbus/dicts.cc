#include "dbus/dicts.h"

#include "dbus/names.h"

namespace ikevpn::dbus {

std::string_view ConnectionStateName(api::ConnectionState state) {
  switch (state) {
    case api::ConnectionState::kDown:
      return "down";
    case api::ConnectionState::kConnecting:
      return "connecting";
    case api::ConnectionState::kUp:
      return "up";
    case api::ConnectionState::kClosing:
      return "closing";
  }
  return "unknown";
}

std::string_view EventKindName(api::EventKind kind) {
  switch (kind) {
    case api::EventKind::kConnectionState:
      return "connection_state";
    case api::EventKind::kIkeSaUp:
      return "ike_sa_up";
    case api::EventKind::kIkeSaDown:
      return "ike_sa_down";
    case api::EventKind::kIkeSaRekeyed:
      return "ike_sa_rekeyed";
    case api::EventKind::kChildSaUp:
      return "child_sa_up";
    case api::EventKind::kChildSaDown:
      return "child_sa_down";
    case api::EventKind::kChildSaRekeyed:
      return "child_sa_rekeyed";
    case api::EventKind::kFailed:
      return "failed";
    case api::EventKind::kReloaded:
      return "reloaded";
    case api::EventKind::kConnectionAdded:
      return "connection_added";
    case api::EventKind::kConnectionRemoved:
      return "connection_removed";
  }
  return "unknown";
}

std::vector<std::string> ToStrings(const std::vector<Prefix>& prefixes) {
  std::vector<std::string> out;
  for (const auto& p : prefixes) out.push_back(p.ToString());
  return out;
}

std::vector<std::string> ToStrings(const std::vector<IpAddress>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) out.push_back(a.ToString());
  return out;
}

Dict ToDict(const api::ConnectionInfo& c) {
  return {
      {"name", sdbus::Variant(c.name)},
      {"path", sdbus::Variant(sdbus::ObjectPath(ConnectionPath(c.name)))},
      {"state", sdbus::Variant(std::string(ConnectionStateName(c.state)))},
      {"local_addrs", sdbus::Variant(c.local_addrs)},
      {"remote_addrs", sdbus::Variant(c.remote_addrs)},
      {"local_id", sdbus::Variant(c.local_id)},
      {"remote_id", sdbus::Variant(c.remote_id)},
      {"auth", sdbus::Variant(c.auth)},
      {"interface", sdbus::Variant(c.interface)},
      {"if_id", sdbus::Variant(c.if_id)},
      {"start_action", sdbus::Variant(c.start_action)},
      {"ike_proposals", sdbus::Variant(c.ike_proposals)},
      {"esp_proposals", sdbus::Variant(c.esp_proposals)},
      {"local_ts", sdbus::Variant(c.local_ts)},
      {"remote_ts", sdbus::Variant(c.remote_ts)},
      {"ike_sas", sdbus::Variant(c.ike_sas)},
      {"child_sas", sdbus::Variant(c.child_sas)},
  };
}

Dict ToDict(const api::IkeSaInfo& sa) {
  return {
      {"id", sdbus::Variant(sa.id)},
      {"path", sdbus::Variant(sdbus::ObjectPath(IkeSaPath(sa.id)))},
      {"connection", sdbus::Variant(sa.connection)},
      {"state", sdbus::Variant(sa.state)},
      {"initiator", sdbus::Variant(sa.initiator)},
      {"local_address", sdbus::Variant(sa.local.ToString())},
      {"remote_address", sdbus::Variant(sa.remote.ToString())},
      {"local_id", sdbus::Variant(sa.local_id)},
      {"remote_id", sdbus::Variant(sa.remote_id)},
      {"spi_i", sdbus::Variant(sa.spi_i)},
      {"spi_r", sdbus::Variant(sa.spi_r)},
      {"algorithms", sdbus::Variant(sa.algorithms)},
      {"nat_local", sdbus::Variant(sa.nat_local)},
      {"nat_remote", sdbus::Variant(sa.nat_remote)},
      {"udp_encap", sdbus::Variant(sa.udp_encap)},
      {"established", sdbus::Variant(sa.established)},
      {"rekey_time", sdbus::Variant(sa.rekey_at)},
      {"virtual_ips", sdbus::Variant(ToStrings(sa.virtual_ips))},
      {"dns", sdbus::Variant(ToStrings(sa.dns))},
  };
}

Dict ToDict(const api::ChildSaInfo& sa) {
  return {
      {"id", sdbus::Variant(sa.id)},
      {"path", sdbus::Variant(sdbus::ObjectPath(ChildSaPath(sa.id)))},
      {"ike_sa_id", sdbus::Variant(sa.ike_sa_id)},
      {"connection", sdbus::Variant(sa.connection)},
      {"state", sdbus::Variant(sa.state)},
      {"spi_in", sdbus::Variant(sa.spi_in)},
      {"spi_out", sdbus::Variant(sa.spi_out)},
      {"mode", sdbus::Variant(sa.mode)},
      {"local_ts", sdbus::Variant(sa.local_ts)},
      {"remote_ts", sdbus::Variant(sa.remote_ts)},
      {"algorithms", sdbus::Variant(sa.algorithms)},
      {"interface", sdbus::Variant(sa.interface)},
      {"if_id", sdbus::Variant(sa.if_id)},
      {"bytes_in", sdbus::Variant(sa.bytes_in)},
      {"bytes_out", sdbus::Variant(sa.bytes_out)},
      {"packets_in", sdbus::Variant(sa.packets_in)},
      {"packets_out", sdbus::Variant(sa.packets_out)},
      {"established", sdbus::Variant(sa.established)},
      {"rekey_time", sdbus::Variant(sa.rekey_at)},
  };
}

Dict EventDetails(const api::Event& event) {
  Dict d;
  if (event.kind == api::EventKind::kConnectionState) {
    d["state"] = sdbus::Variant(std::string(ConnectionStateName(event.state)));
  }
  if (event.ike_sa_id != 0) d["ike_sa_id"] = sdbus::Variant(event.ike_sa_id);
  if (event.child_sa_id != 0) d["child_sa_id"] = sdbus::Variant(event.child_sa_id);
  if (event.new_sa_id != 0) d["new_sa_id"] = sdbus::Variant(event.new_sa_id);
  if (!event.reason.empty()) d["reason"] = sdbus::Variant(event.reason);
  if (event.cause != api::DownCause::kNone) d["cause"] = sdbus::Variant(std::string(api::ToString(event.cause)));
  if (event.kind == api::EventKind::kFailed)
    d["auth_failure"] = sdbus::Variant(event.cause == api::DownCause::kAuthFailed);
  return d;
}

}  // namespace ikevpn::dbus
