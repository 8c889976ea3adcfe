// What a reload changes, so it only touches what changed.
#pragma once

#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/config/config_parser.h"

namespace ikevpn::config {

struct ConfigDiff {
  std::vector<std::string> added;    // in new, not in old (new file order)
  std::vector<std::string> removed;  // in old, not in new (old file order)
  std::vector<std::string> changed;  // in both, any field differs (new file order)
  bool globals_changed = false;
  bool secrets_changed = false;  // PSKs of unchanged connections may differ

  bool empty() const {
    return added.empty() && removed.empty() && changed.empty() && !globals_changed &&
           !secrets_changed;
  }
};

ConfigDiff DiffConfigs(const Config& old_config, const Config& new_config);

struct ReloadResult {
  bool applied = false;  // false: `running` was kept because of errors
  ConfigDiff diff;       // empty unless applied
  Diagnostics diags;
};

// Replaces `running` with the fresh config if it has no errors; otherwise
// leaves `running` untouched. Warnings are passed on either way.
ReloadResult ApplyReload(Config& running, ParseOutcome fresh);

}  // namespace ikevpn::config
