#include "ctl/exit_codes.h"

#include <array>
#include <utility>

#include "dbus/errors.h"

namespace ikevpn::ctl {
namespace {

struct ErrorInfo {
  std::string_view name;
  ExitCode exit_code;
};

// Errors not listed here are kExitFailed.
constexpr std::array kErrors = {
    ErrorInfo{dbus::kErrorNotFound, kExitNotFound},
    ErrorInfo{dbus::kErrorInvalidArgument, kExitUsage},
    ErrorInfo{dbus::kErrorTimeout, kExitTimeout},
    ErrorInfo{"org.freedesktop.DBus.Error.Timeout", kExitTimeout},
    ErrorInfo{"org.freedesktop.DBus.Error.TimedOut", kExitTimeout},
    ErrorInfo{"org.freedesktop.DBus.Error.NoReply", kExitTimeout},
    ErrorInfo{dbus::kErrorAccessDenied, kExitUnreachable},
    ErrorInfo{"org.freedesktop.DBus.Error.AccessDenied", kExitUnreachable},
    ErrorInfo{"org.freedesktop.DBus.Error.ServiceUnknown", kExitUnreachable},
    ErrorInfo{"org.freedesktop.DBus.Error.NameHasNoOwner", kExitUnreachable},
    ErrorInfo{"org.freedesktop.DBus.Error.NoServer", kExitUnreachable},
    ErrorInfo{"org.freedesktop.DBus.Error.Disconnected", kExitUnreachable},
    ErrorInfo{kErrorNoBus, kExitUnreachable},
};

bool IsAccessDenied(std::string_view name) {
  return name == dbus::kErrorAccessDenied || name == "org.freedesktop.DBus.Error.AccessDenied";
}

}  // namespace

ExitCode ExitCodeForError(std::string_view error_name) {
  for (const auto& e : kErrors) {
    if (e.name == error_name) return e.exit_code;
  }
  return kExitFailed;
}

std::string HintForError(std::string_view error_name, std::string_view group) {
  if (IsAccessDenied(error_name)) {
    return "run as root or as a member of group '" + std::string(group) +
           "' (e.g. sudo ikevpnctl ...); read access for all users can be opened with "
           "net.ikevpn.Daemon1-read.conf (see dbus/SPEC.md)";
  }
  if (error_name == kErrorNoBus) {
    return "is the D-Bus daemon running? try: systemctl status dbus (or pick a bus with --bus)";
  }
  switch (ExitCodeForError(error_name)) {
    case kExitUnreachable:
      return "is ikevpnd running? try: systemctl status ikevpnd";
    case kExitNotFound:
      return "see the configured connections and SAs with: ikevpnctl list; ikevpnctl sas";
    case kExitTimeout:
      return "no answer in time: check that the peer is reachable (journalctl -u ikevpnd), "
             "or allow more time with --timeout SECONDS";
    case kExitUsage:
      return "see: ikevpnctl --help";
    case kExitOk:
    case kExitFailed:
      break;
  }
  if (error_name == dbus::kErrorInvalidConfig) {
    return "fix the configuration at the place named above, then run: ikevpnctl reload "
           "(the running configuration is unchanged)";
  }
  if (error_name == dbus::kErrorAuthFailed) {
    return "check the credentials (PSK or certificates) and the identities on both sides; "
           "details: journalctl -u ikevpnd";
  }
  if (error_name == dbus::kErrorUnsupported) {
    return "the peer and this side have no proposal or feature in common; "
           "compare ike/esp proposals on both sides";
  }
  return "details: journalctl -u ikevpnd";
}

}  // namespace ikevpn::ctl
