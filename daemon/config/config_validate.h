// Checks that need a whole section or the whole file (required keys,
// conflicting keys, defaults that depend on other keys, uniqueness across
// connections). Internal to the parser.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/config/diagnostic.h"
#include "daemon/config/ini_reader.h"
#include "daemon/config/section_keys.h"

namespace ikevpn::config {

// Where a parsed connection came from, for cross-connection messages.
struct ConnectionSource {
  int header_line = 0;
  int if_id_line = 0;  // line of if-id, else of interface
};

// Fills defaults that depend on other keys and reports missing or
// conflicting keys of one connection section.
void FinishConnection(const IniSection& section, const SeenKeys& seen, const std::string& file,
                      Connection& c, Diagnostics* diags);

void CheckGlobals(const SeenKeys& seen, const std::string& file, const GlobalSettings& g,
                  Diagnostics* diags);

// if_id uniqueness across interfaces. `sources` is parallel to `conns`.
void CheckConnections(const std::vector<Connection>& conns,
                      const std::vector<ConnectionSource>& sources, const std::string& file,
                      Diagnostics* diags);

// For a connection that authenticates with a PSK but has none inline: the
// error if `secrets` has none for its identities either, else nullopt.
std::optional<std::string> MissingPsk(const Connection& c, const Secrets& secrets);

}  // namespace ikevpn::config
