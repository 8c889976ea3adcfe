// Reads INI text with Boost.Program_options and keeps the line of every
// section and key, so that every later error can say `file:line:`.
//
// Grammar (Boost's config-file grammar): '#' starts a comment anywhere on a
// line; leading and trailing whitespace is dropped; "[name]" starts a
// section; "key = value" sets a key. Keys before the first section belong to
// the top-level section (name ""). Section names and keys are restricted to
// [A-Za-z0-9_-] (Boost would accept more, with surprising results, e.g. "[]"
// or "[a.b]"); lines that break these rules are reported and left out, and
// only the good lines reach Boost, so one bad line does not hide the rest.
//
// Boost exceptions are caught here; nothing above this file sees one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/diagnostic.h"

namespace ikevpn::config {

struct IniEntry {
  std::string key;
  std::string value;  // trimmed, quotes still on (see Unquote in values.h)
  int line = 0;
};

struct IniSection {
  std::string name;  // "" for keys before the first section
  int line = 0;      // of the "[name]" header; 0 for the top-level section
  std::vector<IniEntry> entries;
};

// Sections in file order; a name that appears twice gives two sections
// (the caller decides whether that is an error). The top-level section is
// always first, possibly empty.
std::vector<IniSection> ReadIni(std::string_view text, const std::string& file, Diagnostics* diags);

// Empty if `name` is a valid section name or key (1-64 of [A-Za-z0-9_-]),
// else what is wrong with it, starting with `what` ("section name ...").
std::string CheckName(std::string_view what, std::string_view name);

// Zeroes a string that may have held a secret (best effort: copies made
// while it grew, and the stream Boost reads from, are not reached).
void WipeString(std::string& s);
// Zeroes every value of `sections`, once they have been applied.
void WipeValues(std::vector<IniSection>& sections);

}  // namespace ikevpn::config
