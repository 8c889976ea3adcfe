// Aligned text tables for ikevpnctl's readable output.
//
//   Table t({"NAME", "STATE"});
//   t.AddRow({"office", "up"});
//   t.Render()  // "NAME    STATE\noffice  up\n"
//
// Columns are left-aligned and separated by two spaces; widths count UTF-8
// code points; lines carry no trailing spaces. A table without headers
// renders only its rows (key/value blocks).
#pragma once

#include <string>
#include <vector>

namespace ikevpn::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers = {});
  // Missing cells are empty; extra cells widen the table.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // Each line prefixed by `indent`.
  std::string Render(const std::string& indent = "") const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of a UTF-8 string (code points).
size_t DisplayWidth(const std::string& s);

}  // namespace ikevpn::ctl
