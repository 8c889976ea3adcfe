// libFuzzer target: arbitrary text as /etc/ikevpn.conf and as a secrets
// file, from memory. Beyond "no crash" it checks two properties:
//   - the line index and Boost.Program_options agree on every key
//     (ini_reader.cc reports an "internal error" otherwise);
//   - every proposal the parser accepted prints and parses back to itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/config/config_parser.h"
#include "daemon/config/proposal_parser.h"
#include "daemon/config/secrets.h"

namespace {

void CheckNoInternalError(const ikevpn::config::Diagnostics& d) {
  for (const auto& e : d.errors) {
    if (e.message.starts_with("internal error:")) std::abort();
  }
}

void CheckRoundTrip(const ikevpn::ike::Proposals& proposals) {
  if (proposals.empty()) return;
  auto again = ikevpn::config::ParseProposals(ikevpn::config::ToString(proposals),
                                              proposals.front().protocol);
  if (!again.ok() || *again != proposals) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto outcome = ikevpn::config::ParseConfigText(text, "fuzz.conf");
  CheckNoInternalError(outcome.diags);
  for (const auto& c : outcome.config.connections) {
    CheckRoundTrip(c.ike_proposals);
    CheckRoundTrip(c.esp_proposals);
  }
  ikevpn::config::Diagnostics diags;
  ikevpn::config::ParseSecretsText(text, "fuzz.secrets", &diags);
  CheckNoInternalError(diags);
  return 0;
}
