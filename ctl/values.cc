#include "ctl/values.h"

#include <sdbus-c++/Error.h>

namespace ikevpn::ctl {
namespace {

// Variant::get<T> throws on a type mismatch; callers check the signature
// first, and this catch only guards against a malformed message.
template <typename T>
T GetAs(const Dict& d, const std::string& key, T fallback) {
  auto it = d.find(key);
  if (it == d.end() || !it->second.containsValueOfType<T>()) return fallback;
  try {
    return it->second.get<T>();
  } catch (const sdbus::Error&) {
    return fallback;
  }
}

}  // namespace

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string GetString(const Dict& d, const std::string& key) {
  auto it = d.find(key);
  if (it != d.end() && it->second.containsValueOfType<sdbus::ObjectPath>()) {
    return GetAs<sdbus::ObjectPath>(d, key, sdbus::ObjectPath());
  }
  return GetAs<std::string>(d, key, "");
}

uint64_t GetUint(const Dict& d, const std::string& key) {
  auto it = d.find(key);
  if (it == d.end()) return 0;
  if (it->second.containsValueOfType<uint32_t>()) return GetAs<uint32_t>(d, key, 0);
  return GetAs<uint64_t>(d, key, 0);
}

int64_t GetInt(const Dict& d, const std::string& key) {
  auto it = d.find(key);
  if (it == d.end()) return 0;
  if (it->second.containsValueOfType<int32_t>()) return GetAs<int32_t>(d, key, 0);
  return GetAs<int64_t>(d, key, 0);
}

bool GetBool(const Dict& d, const std::string& key) { return GetAs<bool>(d, key, false); }

std::vector<std::string> GetStrings(const Dict& d, const std::string& key) {
  return GetAs<std::vector<std::string>>(d, key, {});
}

void WriteJson(JsonWriter& w, const sdbus::Variant& v) {
  try {
    const std::string sig = v.peekValueType();
    if (sig == "s") {
      w.String(v.get<std::string>());
    } else if (sig == "o") {
      w.String(v.get<sdbus::ObjectPath>());
    } else if (sig == "b") {
      w.Bool(v.get<bool>());
    } else if (sig == "y") {
      w.Uint(v.get<uint8_t>());
    } else if (sig == "q") {
      w.Uint(v.get<uint16_t>());
    } else if (sig == "u") {
      w.Uint(v.get<uint32_t>());
    } else if (sig == "t") {
      w.Uint(v.get<uint64_t>());
    } else if (sig == "n") {
      w.Int(v.get<int16_t>());
    } else if (sig == "i") {
      w.Int(v.get<int32_t>());
    } else if (sig == "x") {
      w.Int(v.get<int64_t>());
    } else if (sig == "d") {
      w.Double(v.get<double>());
    } else if (sig == "as") {
      w.BeginArray();
      for (const auto& s : v.get<std::vector<std::string>>()) w.String(s);
      w.EndArray();
    } else if (sig == "at") {
      w.BeginArray();
      for (uint64_t x : v.get<std::vector<uint64_t>>()) w.Uint(x);
      w.EndArray();
    } else if (sig == "a{sv}") {
      WriteJson(w, v.get<Dict>());
    } else if (sig == "aa{sv}") {
      WriteJson(w, v.get<std::vector<Dict>>());
    } else {
      w.String("<" + sig + ">");
    }
  } catch (const sdbus::Error&) {
    w.Null();
  }
}

void WriteJson(JsonWriter& w, const Dict& d) {
  w.BeginObject();
  for (const auto& [key, value] : d) {
    w.Key(key);
    WriteJson(w, value);
  }
  w.EndObject();
}

void WriteJson(JsonWriter& w, const std::vector<Dict>& list) {
  w.BeginArray();
  for (const auto& d : list) WriteJson(w, d);
  w.EndArray();
}

std::string ToText(const sdbus::Variant& v) {
  try {
    const std::string sig = v.peekValueType();
    if (sig == "s") return v.get<std::string>();
    if (sig == "o") return v.get<sdbus::ObjectPath>();
    if (sig == "as") return Join(v.get<std::vector<std::string>>(), ",");
  } catch (const sdbus::Error&) {
    return "?";
  }
  // Numbers and booleans: the JSON form is the readable one.
  JsonWriter w;
  WriteJson(w, v);
  return w.str();
}

}  // namespace ikevpn::ctl
