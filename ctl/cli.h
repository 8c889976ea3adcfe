// ikevpnctl's command line: global options, the subcommand and its
// arguments. Parsing uses Boost.Program_options; its exceptions stop here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ikevpn::ctl {

struct Options {
  std::string bus = "system";  // system | session | ADDRESS
  bool json = false;
  double timeout_seconds = 30;
  bool wait = false;   // up
  uint64_t count = 0;  // monitor: stop after this many events (0: never)
  bool help = false;
  bool version = false;
  std::string command;  // list, status, up, down, sas, reload, monitor
  std::vector<std::string> args;
};

// Fills `out` from argv. Returns the usage error to print (exit code 2), or
// nullopt. --help and --version need no subcommand.
std::optional<std::string> ParseOptions(int argc, const char* const* argv, Options* out);

// The --help text, exit codes included.
std::string UsageText();

}  // namespace ikevpn::ctl
