// Parsing /etc/ikevpn.conf into a Config.
//
// Every problem becomes a Diagnostic "file:line: what is wrong"; all of
// them are collected, not only the first. No exception leaves this layer.
//
//   auto outcome = LoadConfig("/etc/ikevpn.conf");
//   for (const auto& w : outcome.diags.warnings) log(w.ToString());
//   if (!outcome.ok()) { ... keep the running config ... }
#pragma once

#include <functional>
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

// An error about one connection found outside the parser (e.g. its
// certificate file cannot be read).
struct ConnectionError {
  std::string connection;  // the section name
  std::string message;     // names the file concerned
};
// Checks beyond parsing that --check-config runs on a usable config (the
// daemon passes the loading of cert, key and ca files).
using ExtraCheck = std::function<std::vector<ConnectionError>(const Config&)>;

// For `ikevpnd --check-config PATH`: loads the config, runs `extra` on it
// if it parsed, prints every warning ("file:line: warning: ...") and error
// ("file:line: ..."; errors of `extra` at their connection's section) to
// `out`, and a summary line. Returns the process exit code: 0 if usable, 1
// if not.
int CheckConfig(const std::string& path, std::ostream& out, const ExtraCheck& extra = nullptr);

}  // namespace ikevpn::config
