// LoadConfig and CheckConfig: the file-reading half of config_parser.h.
#include <algorithm>
#include <ostream>

#include "daemon/config/config_parser.h"
#include "daemon/config/config_validate.h"
#include "daemon/config/file_access.h"
#include "daemon/config/ini_reader.h"

namespace ikevpn::config {
namespace {

void CheckPsks(const std::string& file, ParseOutcome& out) {
  const auto& conns = out.config.connections;
  for (size_t i = 0; i < conns.size(); ++i) {
    if (auto missing = MissingPsk(conns[i], out.config.secrets))
      out.diags.Error(file, out.connection_lines[i], *missing);
  }
}

}  // namespace

ParseOutcome LoadConfig(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text.ok()) {
    ParseOutcome out;
    out.diags.Error(path, 0, text.status().message());
    return out;
  }
  ParseOutcome out = ParseConfigText(*text, path);
  WipeString(*text);
  const GlobalSettings& g = out.config.global;
  const auto& conns = out.config.connections;
  if (std::any_of(conns.begin(), conns.end(),
                  [](const Connection& c) { return c.psk.has_value(); })) {
    CheckSecretFileMode(path, "holds an inline psk", g.secrets_permissions, &out.diags);
  }
  bool secrets_usable = true;
  if (!g.secrets_file.empty()) {
    std::string secrets_path = ResolvePath(path, g.secrets_file);
    secrets_usable =
        CheckSecretFileMode(secrets_path, "holds secrets", g.secrets_permissions, &out.diags);
    auto secrets_text =
        secrets_usable ? ReadTextFile(secrets_path) : Result<std::string>(std::string());
    if (!secrets_text.ok()) {
      out.diags.Error(secrets_path, 0, secrets_text.status().message());
      secrets_usable = false;
    } else if (secrets_usable) {
      size_t errors_before = out.diags.errors.size();
      out.config.secrets = ParseSecretsText(*secrets_text, secrets_path, &out.diags);
      WipeString(*secrets_text);
      secrets_usable = out.diags.errors.size() == errors_before;
    }
  }
  if (secrets_usable) CheckPsks(path, out);
  return out;
}

int CheckConfig(const std::string& path, std::ostream& out, const ExtraCheck& extra) {
  ParseOutcome outcome = LoadConfig(path);
  if (outcome.ok() && extra) {
    const auto& conns = outcome.config.connections;
    for (const ConnectionError& e : extra(outcome.config)) {
      int line = 0;
      for (size_t i = 0; i < conns.size(); ++i)
        if (conns[i].name == e.connection && i < outcome.connection_lines.size()) line = outcome.connection_lines[i];
      outcome.diags.Error(path, line, "connection '" + e.connection + "': " + e.message);
    }
  }
  for (const Diagnostic& w : outcome.diags.warnings) {
    Diagnostic d = w;
    d.message = "warning: " + d.message;
    out << d.ToString() << "\n";
  }
  for (const Diagnostic& e : outcome.diags.errors) out << e.ToString() << "\n";
  size_t n = outcome.config.connections.size();
  if (outcome.ok()) {
    out << path << ": OK, " << n << (n == 1 ? " connection" : " connections") << "\n";
    return 0;
  }
  size_t e = outcome.diags.errors.size();
  out << path << ": " << e << (e == 1 ? " error" : " errors") << "\n";
  return 1;
}

}  // namespace ikevpn::config
