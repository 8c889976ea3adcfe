#include "ctl/table.h"

#include <algorithm>

namespace ikevpn::ctl {

size_t DisplayWidth(const std::string& s) {
  // Count every byte that does not continue a multi-byte sequence.
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string Table::Render(const std::string& indent) const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& line) {
    if (line.size() > widths.size()) widths.resize(line.size(), 0);
    for (size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(line[i]));
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text = indent;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < line.size() ? line[i] : "";
      text += cell;
      if (i + 1 < widths.size()) text.append(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out += text;
    out += '\n';
  };
  if (!headers_.empty()) emit(headers_);
  for (const auto& row : rows_) emit(row);
  return out;
}

}  // namespace ikevpn::ctl
