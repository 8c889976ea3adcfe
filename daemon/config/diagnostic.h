// Errors and warnings found in a config or secrets file, each with the file
// and line it is about: "ikevpn.conf:12: dpd-action: unknown value 'kill'".
#pragma once

#include <string>
#include <vector>

#include "daemon/base/status.h"

namespace ikevpn::config {

struct Diagnostic {
  std::string file;
  int line = 0;  // 1-based; 0: about the whole file (rendered "file: ...")
  std::string message;

  std::string ToString() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

struct Diagnostics {
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;

  void Error(const std::string& file, int line, std::string message) {
    errors.push_back({file, line, std::move(message)});
  }
  void Warning(const std::string& file, int line, std::string message) {
    warnings.push_back({file, line, std::move(message)});
  }
  bool ok() const { return errors.empty(); }
  // kInvalidArgument with every error on its own line, or OK.
  Status ToStatus() const;
};

}  // namespace ikevpn::config
