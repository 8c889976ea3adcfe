// A tiny JSON writer for ikevpnctl --json (compact output, one document per
// call). Commas and nesting are tracked here so callers only say what comes
// next. Strings are escaped per RFC 8259; they must be valid UTF-8 (D-Bus
// guarantees that for everything ikevpnctl prints).
//
//   JsonWriter w;
//   w.BeginObject().Key("name").String("office").Key("up").Bool(true).EndObject();
//   w.str()  // {"name":"office","up":true}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ikevpn::ctl {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // Precondition: inside an object, and the previous call was not Key().
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Double(double v);  // non-finite values are written as null
  JsonWriter& Bool(bool v);
  JsonWriter& Null();

  const std::string& str() const { return out_; }

 private:
  void BeforeValue();
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);

  std::string out_;
  // One entry per open object/array: has it got an element yet?
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// `s` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view s);

}  // namespace ikevpn::ctl
