// Config spelling of every enum, one table each: the parser accepts every
// name in a table, ToString() prints the first name listed for a value.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "daemon/base/status.h"
#include "daemon/config/config.h"

namespace ikevpn::config {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

inline constexpr EnumName<AuthMethod> kAuthMethodNames[] = {{"psk", AuthMethod::kPsk},
                                                            {"pubkey", AuthMethod::kPubkey}};
inline constexpr EnumName<Mode> kModeNames[] = {{"tunnel", Mode::kTunnel},
                                                {"transport", Mode::kTransport}};
inline constexpr EnumName<StartAction> kStartActionNames[] = {
    {"none", StartAction::kNone}, {"start", StartAction::kStart}, {"trap", StartAction::kTrap}};
inline constexpr EnumName<DpdAction> kDpdActionNames[] = {
    {"clear", DpdAction::kClear}, {"restart", DpdAction::kRestart}, {"trap", DpdAction::kTrap}};
inline constexpr EnumName<Fragmentation> kFragmentationNames[] = {
    {"yes", Fragmentation::kYes}, {"no", Fragmentation::kNo}, {"force", Fragmentation::kForce}};
inline constexpr EnumName<Encap> kEncapNames[] = {
    {"auto", Encap::kAuto}, {"force", Encap::kForce}, {"no", Encap::kAuto}, {"yes", Encap::kForce}};
inline constexpr EnumName<PermissionPolicy> kPermissionPolicyNames[] = {
    {"refuse", PermissionPolicy::kRefuse}, {"warn", PermissionPolicy::kWarn}};

template <typename E>
std::string_view EnumToString(std::span<const EnumName<E>> table, E value) {
  for (const EnumName<E>& n : table) {
    if (n.value == value) return n.name;
  }
  return "?";
}

template <typename E>
Result<E> ParseEnum(std::span<const EnumName<E>> table, std::string_view text) {
  std::string valid;
  for (const EnumName<E>& n : table) {
    if (n.name == text) return n.value;
    valid += valid.empty() ? "" : ", ";
    valid += n.name;
  }
  return Status(Code::kInvalidArgument,
                "unknown value '" + std::string(text) + "' (valid: " + valid + ")");
}

}  // namespace ikevpn::config
