#include "daemon/config/config.h"

#include "daemon/config/enum_names.h"

namespace ikevpn::config {
namespace {

template <typename E, size_t N>
std::string_view Name(const EnumName<E> (&table)[N], E v) {
  return EnumToString<E>(std::span<const EnumName<E>>(table), v);
}

// "C=CH, O=Org" -> "C=CH,O=Org": spaces after separators do not matter.
std::string CanonicalDn(std::string_view dn) {
  std::string out;
  bool after_separator = false;
  for (char c : dn) {
    if (after_separator && c == ' ') continue;
    after_separator = c == ',' || c == '/' || c == ';';
    out += c;
  }
  return out;
}

}  // namespace

std::string_view ToString(AuthMethod v) { return Name(kAuthMethodNames, v); }
std::string_view ToString(Mode v) { return Name(kModeNames, v); }
std::string_view ToString(StartAction v) { return Name(kStartActionNames, v); }
std::string_view ToString(DpdAction v) { return Name(kDpdActionNames, v); }
std::string_view ToString(Fragmentation v) { return Name(kFragmentationNames, v); }
std::string_view ToString(Encap v) { return Name(kEncapNames, v); }
std::string_view ToString(PermissionPolicy v) { return Name(kPermissionPolicyNames, v); }

bool Identity::Matches(const Identity& other) const {
  if (type != other.type) return false;
  // A DN from the config carries only text until the engine converts it;
  // once both sides have the DER, the DER decides.
  if (type == ike::IdType::kDerAsn1Dn && (data.empty() || other.data.empty())) {
    return CanonicalDn(text) == CanonicalDn(other.text);
  }
  return data == other.data;
}

std::string AddressRange::ToString() const { return first.ToString() + "-" + last.ToString(); }

const Connection* Config::Find(std::string_view name) const {
  for (const Connection& c : connections) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace ikevpn::config
