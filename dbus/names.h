// Well-known names of the ikevpnd D-Bus API (see dbus/SPEC.md): bus name,
// interfaces, object paths, and the escaping of connection names in paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ikevpn::dbus {

inline constexpr char kBusName[] = "net.ikevpn.Daemon1";
inline constexpr char kDaemonPath[] = "/net/ikevpn/Daemon1";
inline constexpr char kDaemonInterface[] = "net.ikevpn.Daemon1";
inline constexpr char kConnectionInterface[] = "net.ikevpn.Connection1";
inline constexpr char kIkeSaInterface[] = "net.ikevpn.IkeSa1";
inline constexpr char kChildSaInterface[] = "net.ikevpn.ChildSa1";

// Makes any string a valid object path element: ASCII letters and digits stay,
// every other byte becomes "_xx" (lower-case hex), a leading digit is escaped
// too, and "" becomes "_" (the systemd bus-label convention).
std::string EscapePathElement(std::string_view s);
// Inverse of EscapePathElement; nullopt if `s` is not a valid escape.
std::optional<std::string> UnescapePathElement(std::string_view s);

// /net/ikevpn/Daemon1/connection/<escaped name>
std::string ConnectionPath(std::string_view name);
// /net/ikevpn/Daemon1/ike_sa/<id>
std::string IkeSaPath(uint64_t id);
// /net/ikevpn/Daemon1/child_sa/<id>
std::string ChildSaPath(uint64_t id);

}  // namespace ikevpn::dbus
