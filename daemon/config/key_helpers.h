// Small helpers for the key tables (connection_keys.cc, global_keys.cc).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "daemon/base/status.h"
#include "daemon/config/enum_names.h"
#include "daemon/config/values.h"

namespace ikevpn::config::keys {

// Assigns a parsed value to a field: Set(&c.mobike, ParseBool(v)).
template <typename T, typename U>
Status Set(T* field, Result<U> r) {
  if (!r.ok()) return r.status();
  *field = T(std::move(r).value());
  return Status::Ok();
}

template <typename T>
Status SetUint(T* field, std::string_view v, uint64_t min, uint64_t max) {
  auto n = ParseUint(v, min, max);
  if (n.ok()) *field = static_cast<T>(*n);
  return n.status();
}

template <typename E, size_t N>
Status SetEnum(E* field, const EnumName<E> (&table)[N], std::string_view v) {
  return Set(field, ParseEnum<E>(std::span<const EnumName<E>>(table), v));
}

inline Status SetPath(std::string* field, std::string_view v) {
  if (v.empty()) return Status(Code::kInvalidArgument, "empty path");
  *field = std::string(v);
  return Status::Ok();
}

inline Result<Seconds> PositiveSeconds(std::string_view v) {
  auto r = ParseSeconds(v);
  if (r.ok() && r->count() == 0) return Status(Code::kInvalidArgument, "must be longer than 0s");
  return r;
}

}  // namespace ikevpn::config::keys
