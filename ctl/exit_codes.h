// ikevpnctl's exit codes: scripts may rely on them (documented in
// `ikevpnctl --help`, man/ikevpnctl and dbus/SPEC.md).
//
//   0  ok
//   1  the operation failed (authentication failed, no proposal chosen,
//      invalid configuration on reload, internal error, ...)
//   2  usage error (unknown subcommand or option, missing NAME, bad argument)
//   3  not found (no such connection or SA)
//   4  ikevpnd not reachable (bus down, daemon not running) or access denied
//   5  timeout (the daemon or the peer did not answer in time)
#pragma once

#include <string>
#include <string_view>

namespace ikevpn::ctl {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitNotFound = 3,
  kExitUnreachable = 4,
  kExitTimeout = 5,
};

// The name ikevpnctl uses when it cannot connect to the bus at all.
inline constexpr char kErrorNoBus[] = "net.ikevpn.ctl.Error.NoBus";

// Exit code for a D-Bus error name (from ikevpnd, the bus, or kErrorNoBus).
ExitCode ExitCodeForError(std::string_view error_name);

// What the user should do about that error ("" if nothing useful to say).
// `group` is the control group named in the bus policy.
std::string HintForError(std::string_view error_name, std::string_view group);

}  // namespace ikevpn::ctl
