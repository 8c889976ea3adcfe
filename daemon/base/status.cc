#include "daemon/base/status.h"

#include <cerrno>
#include <cstring>

namespace ikevpn {

std::string_view ToString(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kDrop: return "drop";
    case Code::kInvalidArgument: return "invalid argument";
    case Code::kNotFound: return "not found";
    case Code::kExists: return "exists";
    case Code::kUnsupported: return "unsupported";
    case Code::kAuthFailed: return "authentication failed";
    case Code::kRetry: return "retry";
    case Code::kIoError: return "i/o error";
    case Code::kInternal: return "internal error";
  }
  return "?";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s(ikevpn::ToString(code_));
  if (!message_.empty()) {
    s += ": ";
    s += message_;
  }
  return s;
}

Status Status::Annotate(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

Status ErrnoStatus(std::string_view what, int err) {
  std::string m(what);
  m += ": ";
  m += std::strerror(err);
  Code code = (err == EAGAIN || err == EINTR || err == ENOBUFS) ? Code::kRetry
              : (err == ENOENT || err == ESRCH || err == ENODEV) ? Code::kNotFound
              : (err == EEXIST) ? Code::kExists
              : (err == EOPNOTSUPP || err == EPROTONOSUPPORT || err == ENOSYS) ? Code::kUnsupported
              : Code::kIoError;
  return Status(code, std::move(m));
}

}  // namespace ikevpn
