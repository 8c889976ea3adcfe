#include "daemon/config/connection_settings.h"

#include "daemon/config/config_validate.h"
#include "daemon/config/connection_keys.h"
#include "daemon/config/ini_reader.h"
#include "daemon/config/proposal_parser.h"

namespace ikevpn::config {
namespace {

// Interface clashes of `conns`, reported against `origin` (line 0: the
// runtime connections have no lines).
void CheckInterfaces(const std::vector<Connection>& conns, const std::string& origin,
                     Diagnostics* diags) {
  std::vector<ConnectionSource> sources(conns.size());
  CheckConnections(conns, sources, origin, diags);
}

}  // namespace

std::string RuntimeOrigin(const std::string& name) { return "AddConnection '" + name + "'"; }

Result<Connection> ParseConnectionSettings(const std::string& name,
                                           const ConnectionSettings& settings,
                                           const Config& running,
                                           std::vector<Diagnostic>* warnings) {
  const std::string origin = RuntimeOrigin(name);
  if (std::string problem = CheckName("connection name", name); !problem.empty())
    return Status(Code::kInvalidArgument, origin + ": " + problem);
  if (name == "global")
    return Status(Code::kInvalidArgument, origin + ": 'global' is not a connection name");

  // Each setting gets a line number (SeenKeys needs one), dropped from the
  // messages below: they read "origin: key: what".
  IniSection section{name, 0, {}};
  Diagnostics diags;
  int line = 0;
  for (const auto& [key, value] : settings) {
    if (std::string problem = CheckName("key", key); !problem.empty()) {
      diags.Error(origin, 0, problem);
      continue;
    }
    section.entries.push_back({key, value, ++line});
  }
  Connection c;
  c.name = name;
  c.ike_proposals = DefaultIkeProposals();
  c.esp_proposals = DefaultEspProposals();
  const OtherSection global_keys{"[global] (not settable here)", KeyNames(GlobalKeys())};
  SeenKeys seen = ApplySection(section, ConnectionKeys(), global_keys, origin, c, &diags);
  FinishConnection(section, seen, origin, c, &diags);
  std::vector<IniSection> applied{std::move(section)};
  WipeValues(applied);  // the psk
  if (diags.ok()) {
    if (auto missing = MissingPsk(c, running.secrets)) diags.Error(origin, 0, *missing);
    std::vector<Connection> all = running.connections;
    all.push_back(c);
    CheckInterfaces(all, origin, &diags);
  }
  for (auto* list : {&diags.errors, &diags.warnings}) {
    for (Diagnostic& d : *list) d.line = 0;
  }
  if (warnings) *warnings = diags.warnings;
  if (!diags.ok()) return diags.ToStatus();
  return c;
}

Status MergeRuntimeConnections(const std::vector<Connection>& runtime, Config& file_config) {
  Diagnostics diags;
  for (const Connection& r : runtime) {
    if (file_config.Find(r.name)) {
      diags.Error(RuntimeOrigin(r.name), 0,
                  "the configuration file now defines a connection of the same name; "
                  "remove it there, or remove the runtime connection first (RemoveConnection)");
    }
  }
  if (diags.ok()) {
    file_config.connections.insert(file_config.connections.end(), runtime.begin(), runtime.end());
    CheckInterfaces(file_config.connections, "runtime connections", &diags);
  }
  return diags.ToStatus();
}

}  // namespace ikevpn::config
