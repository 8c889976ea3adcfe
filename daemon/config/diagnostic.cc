#include "daemon/config/diagnostic.h"

#include <algorithm>

#include "daemon/config/section_keys.h"

namespace ikevpn::config {
namespace {

// Levenshtein distance, for "did you mean" hints on short key names.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string Diagnostic::ToString() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

Status Diagnostics::ToStatus() const {
  if (errors.empty()) return Status::Ok();
  std::string all;
  for (const Diagnostic& d : errors) {
    all += all.empty() ? "" : "\n";
    all += d.ToString();
  }
  return Status(Code::kInvalidArgument, std::move(all));
}

std::string UnknownKeyMessage(std::string_view key, const std::vector<std::string_view>& known,
                              const OtherSection& other) {
  std::string msg = "unknown key '" + std::string(key) + "'";
  if (std::find(other.keys.begin(), other.keys.end(), key) != other.keys.end()) {
    return msg + " here (it belongs in " + std::string(other.label) + ")";
  }
  std::string_view best;
  size_t best_distance = key.size() < 4 ? 2 : 3;  // this far or more is not a typo
  for (std::string_view k : known) {
    if (size_t d = EditDistance(key, k); d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (!best.empty()) msg += " (did you mean '" + std::string(best) + "'?)";
  return msg;
}

}  // namespace ikevpn::config
