#include "daemon/config/ini_reader.h"

#include <string.h>

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <exception>
#include <sstream>

namespace ikevpn::config {
namespace {

constexpr size_t kMaxNameLength = 64;

std::string_view TrimWs(std::string_view s) {
  constexpr std::string_view kWs = " \t\r\n";  // what Boost trims
  size_t b = s.find_first_not_of(kWs);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kWs) - b + 1);
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// One accepted line, in the order Boost will report it.
struct LineRecord {
  bool is_section = false;
  std::string name;  // section name or key
  int line = 0;
};

// Boost's view: the "section.key" names and values in file order.
struct BoostOption {
  std::string name;
  std::string value;
};

bool ParseWithBoost(const std::string& text, std::vector<BoostOption>* out, std::string* error) {
  namespace po = boost::program_options;
  try {
    std::istringstream in(text);
    po::options_description none;
    po::parsed_options parsed = po::parse_config_file<char>(in, none, true);
    for (po::basic_option<char>& o : parsed.options) {
      out->push_back({o.string_key, o.value.empty() ? std::string() : o.value.front()});
      for (std::string& v : o.value) WipeString(v);
      for (std::string& t : o.original_tokens) WipeString(t);
    }
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "unknown exception";
  }
  return false;
}

}  // namespace

std::string CheckName(std::string_view what, std::string_view name) {
  if (name.empty()) return "empty " + std::string(what);
  if (name.size() > kMaxNameLength) {
    return std::string(what) + " longer than " + std::to_string(kMaxNameLength) + " characters";
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return std::string(what) + " '" + std::string(name) +
             "' may only contain letters, digits, '-' and '_'";
    }
  }
  return {};
}

void WipeString(std::string& s) {
  if (!s.empty()) explicit_bzero(s.data(), s.size());
}

void WipeValues(std::vector<IniSection>& sections) {
  for (IniSection& s : sections) {
    for (IniEntry& e : s.entries) WipeString(e.value);
  }
}

std::vector<IniSection> ReadIni(std::string_view text, const std::string& file,
                                Diagnostics* diags) {
  // Pass 1: the line index, and the text that Boost may safely read.
  std::vector<LineRecord> records;
  std::string accepted;
  int line = 0;
  size_t pos = 0;
  // After a bad section header, its keys are checked for syntax but not
  // kept: they would otherwise land in the section before it.
  bool in_bad_section = false;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line;
    std::string_view s = raw.substr(0, raw.find('#'));
    s = TrimWs(s);
    std::string problem;
    if (s.empty()) {
      accepted += '\n';
      continue;
    }
    if (s.front() == '[' && s.back() == ']' && s.size() >= 2) {
      std::string_view name = s.substr(1, s.size() - 2);
      problem = CheckName("section name", name);
      in_bad_section = !problem.empty();
      if (problem.empty()) records.push_back({true, std::string(name), line});
    } else if (size_t eq = s.find('='); eq != std::string_view::npos) {
      std::string_view key = TrimWs(s.substr(0, eq));
      problem = CheckName("key", key);
      if (problem.empty() && in_bad_section) {
        accepted += '\n';
        continue;
      }
      if (problem.empty()) records.push_back({false, std::string(key), line});
    } else if (s.front() == '[') {
      problem = "section header without closing ']'";
      in_bad_section = true;
    } else {
      problem = "expected 'key = value' or '[section]', got '" + std::string(s.substr(0, 40)) + "'";
    }
    if (problem.empty()) {
      accepted.append(s);
      accepted += '\n';
    } else {
      diags->Error(file, line, problem);
      accepted += '\n';
    }
  }

  // Pass 2: Boost reads the accepted lines; its options are zipped with the
  // key records, which must agree one for one.
  std::vector<IniSection> sections(1);
  std::vector<BoostOption> options;
  std::string error;
  bool parsed = ParseWithBoost(accepted, &options, &error);
  WipeString(accepted);
  if (!parsed) {
    diags->Error(file, 0, "cannot be read: " + error);
    return sections;
  }
  size_t next = 0;
  for (const LineRecord& r : records) {
    if (r.is_section) {
      sections.push_back({r.name, r.line, {}});
      continue;
    }
    const IniSection& current = sections.back();
    std::string expected = current.name.empty() ? r.name : current.name + "." + r.name;
    if (next >= options.size() || options[next].name != expected) {
      diags->Error(file, r.line,
                   "internal error: line index and Boost disagree on '" + expected + "'");
      return std::vector<IniSection>(1);
    }
    sections.back().entries.push_back({r.name, std::move(options[next].value), r.line});
    ++next;
  }
  for (BoostOption& o : options) WipeString(o.value);
  return sections;
}

}  // namespace ikevpn::config
