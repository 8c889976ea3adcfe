#include "daemon/config/secrets.h"

#include "daemon/config/ini_reader.h"
#include "daemon/config/section_keys.h"

namespace ikevpn::config {
namespace {

const KeyDef<PskEntry> kSecretKeys[] = {
    {"id",
     [](PskEntry& e, std::string_view v) {
       auto id = ParseIdentity(v);
       if (id.ok()) e.ids.push_back(std::move(id).value());
       return id.status();
     },
     true},
    {"psk",
     [](PskEntry& e, std::string_view v) {
       auto s = ParseSecret(v);
       if (s.ok()) e.psk = std::move(s).value();
       return s.status();
     }},
};

}  // namespace

void WarnIfWeakPsk(const SecretBytes& psk, const std::string& file, int line, Diagnostics* diags) {
  if (psk.empty() || psk.size() >= kWeakPskLength) return;  // empty: already an error
  diags->Warning(
      file, line,
      "psk is shorter than " + std::to_string(kWeakPskLength) + " bytes and easy to guess offline");
}

const SecretBytes* Secrets::FindPsk(const Identity* local, const Identity* remote) const {
  const SecretBytes* best = nullptr;
  int best_score = -1;
  for (const PskEntry& e : entries_) {
    int score = 0;
    for (const Identity& id : e.ids) {
      if (local && id.Matches(*local)) score |= 1;
      if (remote && id.Matches(*remote)) score |= 2;
    }
    if (!e.ids.empty() && score == 0) continue;
    if (score > best_score) {
      best = &e.psk;
      best_score = score;
    }
  }
  return best;
}

bool operator==(const Secrets& a, const Secrets& b) {
  if (a.entries_.size() != b.entries_.size()) return false;
  for (size_t i = 0; i < a.entries_.size(); ++i) {
    const PskEntry &x = a.entries_[i], &y = b.entries_[i];
    if (x.name != y.name || x.ids != y.ids || !x.psk.Equals(y.psk.span())) return false;
  }
  return true;
}

Secrets ParseSecretsText(std::string_view text, const std::string& file, Diagnostics* diags) {
  Secrets secrets;
  std::vector<IniSection> sections = ReadIni(text, file, diags);
  for (const IniEntry& e : sections.front().entries) {
    diags->Error(file, e.line, "key '" + e.key + "' outside a section (start one with [name])");
  }
  const OtherSection none{"", {}};
  for (size_t i = 1; i < sections.size(); ++i) {
    const IniSection& s = sections[i];
    PskEntry entry;
    entry.name = s.name;
    SeenKeys seen =
        ApplySection(s, std::span<const KeyDef<PskEntry>>(kSecretKeys), none, file, entry, diags);
    if (!seen.Has("psk")) {
      diags->Error(file, s.line, "secret '" + s.name + "': psk is required");
      continue;
    }
    WarnIfWeakPsk(entry.psk, file, seen.LineOf("psk"), diags);
    secrets.entries().push_back(std::move(entry));
  }
  WipeValues(sections);
  return secrets;
}

}  // namespace ikevpn::config
