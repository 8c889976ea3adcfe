// IKE message fragmentation (RFC 7383): splitting a protected message into
// SKF fragments, and reassembling received ones.
//
// Only verified fragments go in: DecodeMessage has already checked each
// fragment's ICV and decrypted it (§2.6: a fragment that fails integrity is
// dropped before reassembly and never disturbs it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/rng.h"
#include "daemon/base/status.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/message/decode_error.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

// RFC 7383 §2.5: the SKF payload header: generic header + Fragment Number +
// Total Fragments.
inline constexpr size_t kSkfHeaderSize = kGenericPayloadHeaderSize + 4;
inline constexpr size_t kMaxFragments = 64;

// Splits an encoded inner chain into fragments, each a full IKE message
// (HDR, SKF{...}) of at most `max_message_size` bytes (the UDP payload
// without the non-ESP marker), each sealed with its own IV. Fragment 1's SKF
// Next Payload is chain.first; the others' are zero (§2.5).
// kInvalidArgument if max_message_size leaves no room for data or more than
// kMaxFragments would be needed.
Result<std::vector<Bytes>> SealFragments(const IkeHeader& header, const PayloadChain& chain,
                                         crypto::Cipher& outbound, Rng& rng,
                                         size_t max_message_size);

// Collects the fragments of one message at a time (per IKE SA and direction;
// the engine has checked the message ID against its window first).
//
// Memory is bounded by `max_fragments` fragments and `max_bytes` of
// plaintext. Duplicates of a fragment already held are ignored. A fragment
// with a new message ID discards what was held. Total Fragments (§2.6.1): a
// larger value than held discards the held fragments and restarts (the
// sender re-fragmented with a smaller size); a smaller one is rejected.
class FragmentReassembler {
 public:
  struct Limits {
    size_t max_fragments = kMaxFragments;
    size_t max_bytes = kMaxMessageSize;
  };

  FragmentReassembler() = default;
  explicit FragmentReassembler(Limits limits) : limits_(limits) {}

  // Adds the fragment of a decoded message (precondition: m.fragment set).
  // Returns nullopt while incomplete, the whole message (header of the last
  // fragment received, plaintext payloads of fragment 1, inner payloads
  // decoded from the joined chain, encrypted = true) once complete.
  // Errors that reject only this fragment and keep what is held:
  // kInvalidFragment (no fragment, number 0 or > total, total over the
  // limit, smaller total than held). Errors that discard the message being
  // assembled: kTooLarge (bytes over the limit) and any error of the joined
  // inner chain (kInvalidSyntax, ...). After a complete message the
  // reassembler is empty again.
  DecodeResult<std::optional<Message>> Add(Message m);

  // Drops whatever is held (e.g. when the exchange times out).
  void Reset();
  bool empty() const { return count_ == 0; }
  std::optional<uint32_t> message_id() const { return message_id_; }
  size_t held_bytes() const { return bytes_; }

 private:
  Limits limits_;
  std::optional<uint32_t> message_id_;
  uint16_t total_ = 0;
  size_t count_ = 0;
  size_t bytes_ = 0;
  std::vector<std::optional<Bytes>> parts_;  // index = number - 1
  PayloadType first_inner_ = PayloadType::kNone;
  Payloads first_plaintext_;  // unprotected payloads of fragment 1
};

}  // namespace ikevpn::ike
