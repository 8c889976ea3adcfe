// Parsing /etc/ikevpn.conf into a Config.
//
// Every problem becomes a Diagnostic "file:line: what is wrong"; all of
// them are collected, not only the first. No exception leaves this layer.
//
//   auto outcome = LoadConfig("/etc/ikevpn.conf");
//   for (const auto& w : outcome.diags.warnings) log(w.ToString());
//   if (!outcome.ok()) { ... keep the running config ... }
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/config/diagnostic.h"

namespace ikevpn::config {

struct ParseOutcome {
  Config config;  // complete and valid only if ok()
  Diagnostics diags;
  // The "[name]" line of each connection, parallel to config.connections
  // (for later messages such as a host name that does not resolve).
  std::vector<int> connection_lines;
  bool ok() const { return diags.ok(); }
};

// Parses config text from memory; `file` is the name diagnostics use. Reads
// no files: the secrets file named by `secrets =` is left to LoadConfig, so
// config.secrets stays empty and PSK availability is not checked.
ParseOutcome ParseConfigText(std::string_view text, const std::string& file);

// Reads and parses `path`, then the secrets file it names (relative to the
// config's directory), applying global.secrets_permissions to the secrets
// file and to the config itself if it holds an inline psk, and checks that
// every connection with PSK authentication has a PSK.
ParseOutcome LoadConfig(const std::string& path);

// For `ikevpnd --check-config PATH`: loads the config, prints every warning
// ("file:line: warning: ...") and error ("file:line: ...") to `out`, and a
// summary line. Returns the process exit code: 0 if usable, 1 if not.
int CheckConfig(const std::string& path, std::ostream& out);

}  // namespace ikevpn::config
