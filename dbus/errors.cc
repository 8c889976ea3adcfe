#include "dbus/errors.h"

namespace ikevpn::dbus {

std::string_view ErrorName(Code code, ErrorContext context) {
  switch (code) {
    case Code::kNotFound:
      return kErrorNotFound;
    case Code::kInvalidArgument:
      return context == ErrorContext::kReload ? kErrorInvalidConfig : kErrorInvalidArgument;
    case Code::kExists:
      return kErrorExists;
    case Code::kUnsupported:
      return kErrorUnsupported;
    case Code::kAuthFailed:
      return kErrorAuthFailed;
    case Code::kRetry:  // ControlApi: "kRetry: timeout"
      return kErrorTimeout;
    case Code::kOk:
    case Code::kDrop:
    case Code::kIoError:
    case Code::kInternal:
      return kErrorFailed;
  }
  return kErrorFailed;
}

}  // namespace ikevpn::dbus
