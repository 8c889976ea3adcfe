// RFC 7383 §2.5: Encrypted Fragment payload (SKF).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |        Fragment Number        |        Total Fragments        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Initialization Vector                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Encrypted content                        ~
// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               |             Padding (0-255 octets)            |
// +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
// |                                               |  Pad Length   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                    Integrity Checksum Data                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include "daemon/ike/message/fragmentation.h"

#include <algorithm>
#include <string>

#include "daemon/ike/message/protection.h"

namespace ikevpn::ike {

Result<std::vector<Bytes>> SealFragments(const IkeHeader& header, const PayloadChain& chain,
                                         crypto::Cipher& outbound, Rng& rng,
                                         size_t max_message_size) {
  size_t overhead = kIkeHeaderSize + kSkfHeaderSize + outbound.iv_size() + outbound.icv_size();
  size_t block = std::max<size_t>(outbound.block_size(), 1);
  size_t room = max_message_size > overhead ? (max_message_size - overhead) / block * block : 0;
  if (room < 2 || max_message_size > kMaxMessageSize)
    return Status(Code::kInvalidArgument,
                  "fragment size " + std::to_string(max_message_size) + " leaves no room");
  size_t per_fragment = room - 1;  // the Pad Length octet
  size_t total = std::max<size_t>(1, (chain.bytes.size() + per_fragment - 1) / per_fragment);
  if (total > kMaxFragments)
    return Status(Code::kInvalidArgument, "would need " + std::to_string(total) + " fragments");

  std::vector<Bytes> out;
  out.reserve(total);
  ByteSpan rest = chain.bytes;
  for (size_t i = 0; i < total; ++i) {
    ByteSpan part = rest.first(std::min(per_fragment, rest.size()));
    rest = rest.subspan(part.size());
    size_t skf_length = kSkfHeaderSize + SealedSize(outbound, part.size());
    IkeHeader h = header;
    h.next_payload = PayloadType::kSkf;
    h.length = static_cast<uint32_t>(kIkeHeaderSize + skf_length);
    Bytes msg;
    msg.reserve(h.length);
    ByteWriter w(&msg);
    WriteHeader(h, w);
    // §2.5: only the first fragment names the first inner payload.
    w.U8(static_cast<uint8_t>(i == 0 ? chain.first : PayloadType::kNone));
    w.U8(0);
    w.U16(static_cast<uint16_t>(skf_length));
    w.U16(static_cast<uint16_t>(i + 1));
    w.U16(static_cast<uint16_t>(total));
    IKEVPN_RETURN_IF_ERROR(AppendSealedBody(&msg, part, outbound, rng));
    out.push_back(std::move(msg));
  }
  return out;
}

namespace {
DecodeFailure FragmentFailure(DecodeError e, std::string detail) {
  return DecodeFailure{e, PayloadType::kSkf, 0, std::move(detail)};
}
}  // namespace

void FragmentReassembler::Reset() {
  message_id_.reset();
  total_ = 0;
  count_ = 0;
  bytes_ = 0;
  parts_.clear();
  first_inner_ = PayloadType::kNone;
  first_plaintext_.clear();
}

DecodeResult<std::optional<Message>> FragmentReassembler::Add(Message m) {
  if (!m.fragment) return FragmentFailure(DecodeError::kInvalidFragment, "not a fragment");
  Fragment& f = *m.fragment;
  if (f.number == 0 || f.total == 0 || f.number > f.total)
    return FragmentFailure(DecodeError::kInvalidFragment, "fragment " + std::to_string(f.number) +
                                                              " of " + std::to_string(f.total));
  if (f.total > limits_.max_fragments)
    return FragmentFailure(DecodeError::kInvalidFragment,
                           "total " + std::to_string(f.total) + " over the limit");
  if (message_id_ != m.header.message_id) {
    Reset();
    message_id_ = m.header.message_id;
  }
  // §2.6.1 (re-fragmentation after PMTU discovery yields a larger total):
  // a larger total supersedes what we hold; a smaller one is stale.
  if (total_ != 0 && f.total < total_)
    return FragmentFailure(DecodeError::kInvalidFragment, "stale total " + std::to_string(f.total));
  if (f.total > total_) {
    uint32_t id = *message_id_;
    Reset();
    message_id_ = id;
    total_ = f.total;
    parts_.resize(total_);
  }
  std::optional<Bytes>& slot = parts_[f.number - 1];
  if (slot) return std::optional<Message>();  // duplicate (a retransmission): ignore
  if (bytes_ + f.plaintext.size() > limits_.max_bytes) {
    Reset();
    return FragmentFailure(DecodeError::kTooLarge, "reassembled message over the limit");
  }
  bytes_ += f.plaintext.size();
  if (f.number == 1) {
    first_inner_ = f.first_inner;
    first_plaintext_.assign(m.payloads.begin(),
                            m.payloads.begin() + static_cast<ptrdiff_t>(m.plaintext_count));
  }
  slot = std::move(f.plaintext);
  if (++count_ < total_) return std::optional<Message>();

  Bytes joined;
  joined.reserve(bytes_);
  for (const std::optional<Bytes>& part : parts_) joined.insert(joined.end(), part->begin(), part->end());
  Message whole;
  whole.header = m.header;
  whole.payloads = std::move(first_plaintext_);
  whole.plaintext_count = whole.payloads.size();
  whole.encrypted = true;
  PayloadType first = first_inner_;
  Reset();
  DecodeStatus st = DecodePayloadChain(first, joined, &whole);
  if (!st.ok()) return std::move(st).failure();
  return std::optional<Message>(std::move(whole));
}

}  // namespace ikevpn::ike
