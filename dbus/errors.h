// D-Bus error names of the ikevpnd API and their mapping from ikevpn::Code.
// The list and the meaning of each name is in dbus/SPEC.md ("Errors").
#pragma once

#include <cstdint>
#include <string_view>

#include "daemon/base/status.h"

namespace ikevpn::dbus {

inline constexpr char kErrorNotFound[] = "net.ikevpn.Error.NotFound";
inline constexpr char kErrorInvalidArgument[] = "net.ikevpn.Error.InvalidArgument";
inline constexpr char kErrorInvalidConfig[] = "net.ikevpn.Error.InvalidConfig";
inline constexpr char kErrorExists[] = "net.ikevpn.Error.Exists";
inline constexpr char kErrorUnsupported[] = "net.ikevpn.Error.Unsupported";
inline constexpr char kErrorAuthFailed[] = "net.ikevpn.Error.AuthFailed";
inline constexpr char kErrorTimeout[] = "net.ikevpn.Error.Timeout";
inline constexpr char kErrorAccessDenied[] = "net.ikevpn.Error.AccessDenied";
inline constexpr char kErrorFailed[] = "net.ikevpn.Error.Failed";

// Which call a Status came from: a kInvalidArgument from Reload means the
// configuration file is wrong, anywhere else that the caller's argument is.
enum class ErrorContext : uint8_t { kCall, kReload };

// The D-Bus error name for a non-OK Status code. kOk has no error name and
// yields kErrorFailed (a caller bug).
std::string_view ErrorName(Code code, ErrorContext context = ErrorContext::kCall);

}  // namespace ikevpn::dbus
