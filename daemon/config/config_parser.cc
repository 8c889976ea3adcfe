#include "daemon/config/config_parser.h"

#include <map>

#include "daemon/config/config_validate.h"
#include "daemon/config/connection_keys.h"
#include "daemon/config/ini_reader.h"
#include "daemon/config/proposal_parser.h"

namespace ikevpn::config {
namespace {

constexpr std::string_view kGlobalSection = "global";

Connection NewConnection(const std::string& name) {
  Connection c;
  c.name = name;
  c.ike_proposals = DefaultIkeProposals();
  c.esp_proposals = DefaultEspProposals();
  return c;
}

}  // namespace

ParseOutcome ParseConfigText(std::string_view text, const std::string& file) {
  ParseOutcome out;
  std::vector<IniSection> sections = ReadIni(text, file, &out.diags);

  // Globals: the keys before the first section plus those of [global].
  // A name seen twice is reported; the second section is still checked
  // (to report its errors too) but not used.
  IniSection globals = sections.front();
  std::map<std::string, int> first_line;
  std::vector<const IniSection*> conn_sections;
  std::vector<bool> is_duplicate;
  for (size_t i = 1; i < sections.size(); ++i) {
    const IniSection& s = sections[i];
    auto [it, fresh] = first_line.emplace(s.name, s.line);
    if (!fresh) {
      std::string what = s.name == kGlobalSection ? "duplicate section [global]"
                                                  : "duplicate connection '" + s.name + "'";
      out.diags.Error(file, s.line,
                      what + " (first defined at line " + std::to_string(it->second) + ")");
    }
    if (s.name == kGlobalSection) {
      if (fresh) globals.entries.insert(globals.entries.end(), s.entries.begin(), s.entries.end());
      continue;
    }
    conn_sections.push_back(&s);
    is_duplicate.push_back(!fresh);
  }

  const OtherSection conn_keys_elsewhere{"a connection section", KeyNames(ConnectionKeys())};
  const OtherSection global_keys_elsewhere{"[global]", KeyNames(GlobalKeys())};
  SeenKeys seen =
      ApplySection(globals, GlobalKeys(), conn_keys_elsewhere, file, out.config.global, &out.diags);
  CheckGlobals(seen, file, out.config.global, &out.diags);

  std::vector<ConnectionSource> sources;
  for (size_t i = 0; i < conn_sections.size(); ++i) {
    const IniSection& s = *conn_sections[i];
    Connection c = NewConnection(s.name);
    SeenKeys conn_seen =
        ApplySection(s, ConnectionKeys(), global_keys_elsewhere, file, c, &out.diags);
    FinishConnection(s, conn_seen, file, c, &out.diags);
    if (is_duplicate[i]) continue;
    int if_line = conn_seen.LineOf("if-id");
    if (if_line == 0) if_line = conn_seen.LineOf("interface");
    sources.push_back({s.line, if_line});
    out.connection_lines.push_back(s.line);
    out.config.connections.push_back(std::move(c));
  }
  CheckConnections(out.config.connections, sources, file, &out.diags);
  WipeValues(sections);
  return out;
}

}  // namespace ikevpn::config
