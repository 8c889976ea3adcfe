// Helpers for the message codec tests: hand-built payload chains (for
// malformed input) and access to the captured strongSwan messages.
#pragma once

#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>

#include "daemon/base/bytes.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike::testing {

// One payload written by hand: type, critical bit and body; the generic
// header (and the Next Payload chain) are filled in by RawChain().
struct RawPayloadSpec {
  uint8_t type;
  Bytes body;
  bool critical = false;
};

inline Bytes RawChainBytes(std::initializer_list<RawPayloadSpec> payloads) {
  Bytes out;
  ByteWriter w(&out);
  const RawPayloadSpec* begin = payloads.begin();
  for (const RawPayloadSpec* p = begin; p != payloads.end(); ++p) {
    w.U8(p + 1 == payloads.end() ? 0 : (p + 1)->type);
    w.U8(p->critical ? kFlagCritical : 0);
    w.U16(static_cast<uint16_t>(4 + p->body.size()));
    w.Append(p->body);
  }
  return out;
}

// Decodes `body` as a single payload of `type`.
inline DecodeResult<Message> DecodeOne(PayloadType type, const Bytes& body) {
  Bytes chain = RawChainBytes({{static_cast<uint8_t>(type), body}});
  Message m;
  auto st = DecodePayloadChain(type, chain, &m);
  if (!st.ok()) return std::move(st).failure();
  return m;
}

inline Bytes H(std::string_view hex) {
  Bytes b;
  FromHex(hex, &b);
  return b;
}

inline Bytes ReadDataFile(const std::string& name) {
  std::ifstream f(std::string(IKEVPN_MESSAGE_TEST_DATA) + "/" + name, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace ikevpn::ike::testing
