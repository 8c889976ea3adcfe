// Connections that do not come from the configuration file: built from
// key/value settings with the keys of an ikevpn.conf connection section
// (D-Bus AddConnection, used by the NetworkManager plugin), through the same
// key table and section checks as the file.
//
//   auto c = ParseConnectionSettings("nm-home", {{"remote", "192.0.2.1"}, {"auth", "psk"},
//                                                {"psk", "..."}}, running_config);
//   if (!c.ok()) reply(c.status());  // every problem, one per line
#pragma once

#include <map>
#include <string>
#include <vector>

#include "daemon/base/status.h"
#include "daemon/config/config.h"
#include "daemon/config/diagnostic.h"

namespace ikevpn::config {

using ConnectionSettings = std::map<std::string, std::string>;

// The name diagnostics use for a runtime connection: "AddConnection 'nm-home'".
std::string RuntimeOrigin(const std::string& name);

// Builds connection `name` from `settings`. Values have the file's syntax
// (quotes allowed, no comments). `running` is the configuration it joins:
// its secrets serve a PSK connection without `psk`, and its interfaces must
// not clash with this one's (one interface, one if_id). Errors (all of
// them): kInvalidArgument, "AddConnection 'NAME': key: what is wrong", one
// per line. Warnings (a weak psk) go to `warnings` if given.
Result<Connection> ParseConnectionSettings(const std::string& name,
                                           const ConnectionSettings& settings,
                                           const Config& running,
                                           std::vector<Diagnostic>* warnings = nullptr);

// Appends the runtime connections to `file_config` (the result of a reload)
// and checks that they still fit: no name defined twice, no interface with
// two if_ids. kInvalidArgument naming the clashes; `file_config` is then
// unusable.
Status MergeRuntimeConnections(const std::vector<Connection>& runtime, Config& file_config);

}  // namespace ikevpn::config
