// ikevpnd's command line (Boost.Program_options, parsed at the edge).
#pragma once

#include <optional>
#include <string>

namespace ikevpn::app {

enum class BackendChoice : uint8_t { kAuto, kXfrm, kUserspace };

struct DaemonOptions {
  std::string config = "/etc/ikevpn.conf";
  std::string state_dir;  // empty: from the config (global state-dir)
  BackendChoice backend = BackendChoice::kAuto;
  std::string bus = "system";  // system | session | none | ADDRESS
  std::string log_level;       // empty: from the config
  bool foreground = false;
  bool check_config = false;
  std::string pid_file;  // empty: none
};

struct ParsedOptions {
  std::optional<DaemonOptions> options;  // nullopt: exit with `exit_code`
  int exit_code = 0;
  std::string output;  // help/version text or the error, for stdout/stderr
};

ParsedOptions ParseDaemonOptions(int argc, const char* const* argv);

}  // namespace ikevpn::app
