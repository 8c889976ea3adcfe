// Helpers shared by the config tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config_parser.h"

namespace ikevpn::config::testing {

inline std::vector<std::string> Render(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(d.ToString());
  return out;
}

inline ParseOutcome Parse(std::string_view text) { return ParseConfigText(text, "t.conf"); }
inline std::vector<std::string> Errors(std::string_view text) {
  return Render(Parse(text).diags.errors);
}
inline std::vector<std::string> Warnings(std::string_view text) {
  return Render(Parse(text).diags.warnings);
}

// A valid PSK connection section body, to which tests add keys.
inline constexpr std::string_view kMinimal = "[c]\nauth = psk\n";

}  // namespace ikevpn::config::testing
