// ikevpnctl's subcommands on top of Client: each one calls ikevpnd over
// D-Bus and prints a readable table or, with --json, one JSON document.
// Errors go to `err` with a hint on what to do (with --json also as
// {"error":{...}} on `out`); the return value is the exit code
// (ctl/exit_codes.h).
#pragma once

#include <ostream>

#include "ctl/cli.h"

namespace ikevpn::ctl {

int RunCommand(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace ikevpn::ctl
