// Status and Result<T>: errors as values for the core (no exceptions).
//
// A Status carries a Code that tells the caller what happens next, and a
// human-readable message that is only built on the error path. Result<T>
// holds either a value or a non-OK Status.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ikevpn {

// What the caller should do with a failure. Keep this list short: every
// value must mean a different next step.
enum class Code : unsigned char {
  kOk,
  kDrop,             // untrusted input was bad: drop it silently (log at debug)
  kInvalidArgument,  // caller/config error: report to the user, change nothing
  kNotFound,         // the thing asked for does not exist
  kExists,           // the thing to create exists already
  kUnsupported,      // valid but not implemented/available here (e.g. kernel lacks ESP)
  kAuthFailed,       // peer authentication failed
  kRetry,            // transient: the same call may succeed later (EAGAIN, busy)
  kIoError,          // a system call failed (errno in the message)
  kInternal,         // a bug or an impossible state: log loudly
};

std::string_view ToString(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != Code::kOk);
  }

  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "drop: message" style rendering for logs.
  std::string ToString() const;

  // Prefixes context to the message ("while adding SA: ...").
  Status Annotate(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Makes a Status from errno (captured by the caller) with a short context.
Status ErrnoStatus(std::string_view what, int err);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }
  Result(Code code, std::string message) : v_(Status(code, std::move(message))) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // OK status if a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ikevpn

// Returns early from the enclosing function if `expr` yields a non-OK Status.
#define IKEVPN_RETURN_IF_ERROR(expr)             \
  do {                                           \
    ::ikevpn::Status ikevpn_status_ = (expr);    \
    if (!ikevpn_status_.ok()) return ikevpn_status_; \
  } while (0)

#define IKEVPN_CONCAT_INNER_(a, b) a##b
#define IKEVPN_CONCAT_(a, b) IKEVPN_CONCAT_INNER_(a, b)

// `IKEVPN_ASSIGN_OR_RETURN(auto x, SomeResult());`
#define IKEVPN_ASSIGN_OR_RETURN(lhs, rexpr)                                   \
  auto IKEVPN_CONCAT_(ikevpn_result_, __LINE__) = (rexpr);                    \
  if (!IKEVPN_CONCAT_(ikevpn_result_, __LINE__).ok())                         \
    return IKEVPN_CONCAT_(ikevpn_result_, __LINE__).status();                 \
  lhs = std::move(IKEVPN_CONCAT_(ikevpn_result_, __LINE__)).value()
