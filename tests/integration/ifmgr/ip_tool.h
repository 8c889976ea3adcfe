// Test helpers: a private network namespace for the whole test binary, and
// running iproute2's `ip` to cross-check what the manager did.
#pragma once

#include <string>

namespace ikevpn::ifmgr::testing {

// Moves the process into a new network namespace (unshare(CLONE_NEWNET)) and
// brings lo up. Returns an empty string, or why it could not (not root).
std::string EnterPrivateNetns();

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};
CommandResult Shell(const std::string& command);

// The "flags" array of `ip -j link show dev NAME`, e.g. ["POINTOPOINT","UP"];
// empty if the link does not exist.
std::string IpLinkFlags(const std::string& name);
// The value of a top-level string field of the first object in `json`
// ("ifalias", "dev", "type"), or "" if absent. Enough for `ip -j` output.
std::string JsonField(const std::string& json, const std::string& field);

}  // namespace ikevpn::ifmgr::testing
