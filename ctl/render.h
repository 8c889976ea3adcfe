// ikevpnctl's readable output: aligned tables and key/value blocks built
// from the D-Bus dictionaries. `now` is wall-clock seconds (a parameter so
// that tests are deterministic).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctl/values.h"

namespace ikevpn::ctl {

// "42s", "3m 5s", "2h 10m", "3d 4h".
std::string FormatDuration(int64_t seconds);
// Wall-clock time `t` relative to `now`: "5m ago", "in 2h 10m", "-" for 0.
std::string FormatRelative(int64_t t, int64_t now);
// 1234 -> "1.2 KiB"; below 1024 "NNN B".
std::string FormatBytes(uint64_t bytes);

// `list`: one line per connection.
std::string RenderConnections(const std::vector<Dict>& connections);
// `sas`: an IKE_SA table and a CHILD_SA table.
std::string RenderSas(const std::vector<Dict>& ike_sas, const std::vector<Dict>& child_sas,
                      int64_t now);
// `status NAME` (and each block of `status`): the connection's settings and
// its SAs (`ike_sas`/`child_sas` already filtered to this connection).
std::string RenderStatus(const Dict& connection, const std::vector<Dict>& ike_sas,
                         const std::vector<Dict>& child_sas, int64_t now);
// `monitor`: "HH:MM:SS  kind  connection  key=value ...".
std::string RenderEvent(const std::string& clock, const std::string& kind,
                        const std::string& connection, const Dict& details);

// The entries of `list` whose "connection" equals `name`.
std::vector<Dict> ForConnection(const std::vector<Dict>& list, const std::string& name);

}  // namespace ikevpn::ctl
