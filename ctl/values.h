// Reading the a{sv} dictionaries of the ikevpnd D-Bus API (dbus/SPEC.md) in
// ikevpnctl: typed getters that tolerate missing keys (a newer or older
// daemon), and conversion of any value to JSON or to display text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <sdbus-c++/Types.h>

#include "ctl/json_writer.h"

namespace ikevpn::ctl {

using Dict = std::map<std::string, sdbus::Variant>;

// "" / 0 / false / {} when the key is missing or holds another type.
std::string GetString(const Dict& d, const std::string& key);
uint64_t GetUint(const Dict& d, const std::string& key);
int64_t GetInt(const Dict& d, const std::string& key);
bool GetBool(const Dict& d, const std::string& key);
std::vector<std::string> GetStrings(const Dict& d, const std::string& key);

// Writes the value as JSON: integers as numbers, arrays as arrays, a{sv} as
// objects; types ikevpnd does not use become a string "<signature>".
void WriteJson(JsonWriter& w, const sdbus::Variant& v);
void WriteJson(JsonWriter& w, const Dict& d);
void WriteJson(JsonWriter& w, const std::vector<Dict>& list);

// "a,b,c" for Join({"a","b","c"}, ",").
std::string Join(const std::vector<std::string>& parts, const char* separator);

// Display text of a value: strings as they are, lists joined by ",".
std::string ToText(const sdbus::Variant& v);

}  // namespace ikevpn::ctl
