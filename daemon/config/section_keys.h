// Applying the keys of one INI section to a target struct through a table
// of key definitions: one table per section kind (global, connection,
// secret), so every key is declared in one place.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/base/status.h"
#include "daemon/config/diagnostic.h"
#include "daemon/config/ini_reader.h"
#include "daemon/config/values.h"

namespace ikevpn::config {

template <typename Target>
struct KeyDef {
  std::string_view name;
  // Parses the (unquoted) value into the target; the error message has no
  // location, the caller adds "file:line: key: ".
  Status (*apply)(Target& target, std::string_view value);
  bool repeatable = false;
};

// The line of each key set in a section (its first occurrence).
class SeenKeys {
 public:
  void Add(std::string_view key, int line) { lines_.emplace_back(std::string(key), line); }
  bool Has(std::string_view key) const { return LineOf(key) != 0; }
  int LineOf(std::string_view key) const {
    for (const auto& [k, l] : lines_) {
      if (k == key) return l;
    }
    return 0;
  }

 private:
  std::vector<std::pair<std::string, int>> lines_;
};

// Where an unknown key might belong instead, for the error message.
struct OtherSection {
  std::string_view label;  // "[global]"
  std::vector<std::string_view> keys;
};

template <typename Target>
std::vector<std::string_view> KeyNames(std::span<const KeyDef<Target>> keys) {
  std::vector<std::string_view> names;
  for (const KeyDef<Target>& k : keys) names.push_back(k.name);
  return names;
}

// "unknown key 'remot' (did you mean 'remote'?)", or "... belongs in [global]".
std::string UnknownKeyMessage(std::string_view key, const std::vector<std::string_view>& known,
                              const OtherSection& other);

template <typename Target>
SeenKeys ApplySection(const IniSection& section, std::span<const KeyDef<Target>> keys,
                      const OtherSection& other, const std::string& file, Target& target,
                      Diagnostics* diags) {
  SeenKeys seen;
  for (const IniEntry& e : section.entries) {
    const KeyDef<Target>* def = nullptr;
    for (const KeyDef<Target>& k : keys) {
      if (k.name == e.key) def = &k;
    }
    if (def == nullptr) {
      diags->Error(file, e.line, UnknownKeyMessage(e.key, KeyNames(keys), other));
      continue;
    }
    if (int first = seen.LineOf(e.key); first != 0 && !def->repeatable) {
      diags->Error(
          file, e.line,
          "duplicate key '" + e.key + "' (first set at line " + std::to_string(first) + ")");
      continue;
    }
    if (!seen.Has(e.key)) seen.Add(e.key, e.line);
    Result<std::string> value = Unquote(e.value);
    Status s = value.ok() ? def->apply(target, *value) : value.status();
    if (value.ok()) WipeString(*value);
    if (!s.ok()) diags->Error(file, e.line, e.key + ": " + s.message());
  }
  return seen;
}

}  // namespace ikevpn::config
