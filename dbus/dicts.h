// ControlApi values as D-Bus a{sv} dictionaries (ListConnections, ListSas,
// the Event signal) and the wire names of states and event kinds. Keys are
// the snake_case form of the matching property names; SPEC.md lists them.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <sdbus-c++/Types.h>

#include "daemon/api/control.h"

namespace ikevpn::dbus {

using Dict = std::map<std::string, sdbus::Variant>;

// "down", "connecting", "up", "closing". Part of the D-Bus API: never rename.
std::string_view ConnectionStateName(api::ConnectionState state);
// "connection_state", "ike_sa_up", ..., "reloaded". Part of the D-Bus API.
std::string_view EventKindName(api::EventKind kind);

Dict ToDict(const api::ConnectionInfo& c);
Dict ToDict(const api::IkeSaInfo& sa);
Dict ToDict(const api::ChildSaInfo& sa);
// The `details` argument of the Event signal: only the fields that apply.
Dict EventDetails(const api::Event& event);

std::vector<std::string> ToStrings(const std::vector<Prefix>& prefixes);
std::vector<std::string> ToStrings(const std::vector<IpAddress>& addresses);

}  // namespace ikevpn::dbus
