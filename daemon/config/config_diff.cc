#include "daemon/config/config_diff.h"

namespace ikevpn::config {

ConfigDiff DiffConfigs(const Config& old_config, const Config& new_config) {
  ConfigDiff d;
  for (const Connection& c : old_config.connections) {
    if (!new_config.Find(c.name)) d.removed.push_back(c.name);
  }
  for (const Connection& c : new_config.connections) {
    const Connection* old = old_config.Find(c.name);
    if (!old) {
      d.added.push_back(c.name);
    } else if (!(*old == c)) {
      d.changed.push_back(c.name);
    }
  }
  d.globals_changed = !(old_config.global == new_config.global);
  d.secrets_changed = !(old_config.secrets == new_config.secrets);
  return d;
}

ReloadResult ApplyReload(Config& running, ParseOutcome fresh) {
  ReloadResult r;
  r.diags = std::move(fresh.diags);
  if (!r.diags.ok()) return r;
  r.diff = DiffConfigs(running, fresh.config);
  running = std::move(fresh.config);
  r.applied = true;
  return r;
}

}  // namespace ikevpn::config
