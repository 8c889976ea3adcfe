// libFuzzer target: arbitrary bytes as STATE_DIR/inertia. Beyond "no
// crash" it checks that whatever the reader accepts re-encodes to bytes it
// reads back as the same snapshot and changes: the journal replay never
// yields a record the encoder could not have written.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/inertia/peer_journal.h"

using namespace ikevpn::inertia;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto log = ParsePeerLog(text);
  if (!log.ok()) return 0;
  if (log->valid_bytes + log->torn_bytes > size) std::abort();
  std::string again = EncodePeerFile(log->snapshot.records);
  if (!log->ops.empty()) again += EncodePeerBatch(log->ops);
  auto back = ParsePeerLog(again);
  if (!back.ok() || back->snapshot.records != log->snapshot.records || back->ops != log->ops ||
      back->torn_bytes != 0 || !back->damage.empty())
    std::abort();
  return 0;
}
