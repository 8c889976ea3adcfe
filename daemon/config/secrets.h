// The secrets file: PSKs keyed by identities, kept in SecretBytes.
//
// Format (INI, same reader as the config; mode 0600):
//
//   [office]                 # any name, used in messages only
//   id = @gw.example.org     # zero or more; one identity per line
//   id = @branch.example.org
//   psk = 0x6b1f...          # hex with 0x, or a "quoted string", or bare text
//
// Lookup (FindPsk): an entry is a candidate if it lists no ids, or if one
// of its ids matches the local or the remote identity. Among candidates,
// the best scores: +2 if an id matches the remote identity, +1 if one
// matches the local identity; ties go to the entry first in the file.
// Since '#' starts a comment anywhere on a line, a secret containing '#'
// must be written in hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/secret_bytes.h"
#include "daemon/config/connection.h"
#include "daemon/config/diagnostic.h"

namespace ikevpn::config {

struct PskEntry {
  std::string name;  // section name
  std::vector<Identity> ids;
  SecretBytes psk;
};

class Secrets {
 public:
  // Best PSK for the pair (either may be null: unknown yet, e.g. a responder
  // before IDi arrived), or null if none applies.
  const SecretBytes* FindPsk(const Identity* local, const Identity* remote) const;

  std::vector<PskEntry>& entries() { return entries_; }
  const std::vector<PskEntry>& entries() const { return entries_; }
  friend bool operator==(const Secrets& a, const Secrets& b);

 private:
  std::vector<PskEntry> entries_;
};

// A PSK shorter than this is most likely a password, guessable offline
// from one captured IKE_AUTH (RFC 7296 §2.15): warned about.
inline constexpr size_t kWeakPskLength = 16;
void WarnIfWeakPsk(const SecretBytes& psk, const std::string& file, int line, Diagnostics* diags);

// Parses secrets text; `file` is the name used in diagnostics.
Secrets ParseSecretsText(std::string_view text, const std::string& file, Diagnostics* diags);

}  // namespace ikevpn::config
