// libFuzzer target for the IKEv2 message codec. One input is one datagram
// (the IKE message without the non-ESP marker). It drives:
//   1. phase one: ParseHeader;
//   2. phase two without keys: DecodeMessage, CheckPayloadRules, Summary,
//      and encode -> decode, which must give the same payloads;
//   3. the SK/SKF path with a fixed-key fake cipher that accepts any ICV, so
//      padding and the inner chain are reached, then the reassembler with
//      the decoded fragment under every fragment number;
//   4. the SK path with a real AES-GCM-16 cipher under a fixed key (the
//      integrity check must reject, never crash).
// Seeds: tests/fuzz/seeds/message/ (strongSwan captures and encoded messages,
// sealed with FakeCipher key 1).
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "daemon/ike/crypto/cipher.h"
#include "daemon/ike/message/fragmentation.h"
#include "daemon/ike/message/message.h"
#include "daemon/ike/message/payload_rules.h"
#include "tests/unit/message/fake_cipher.h"

namespace ikevpn::ike {
namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

bool HasEmptySa(const Message& m) {
  for (const SaPayload* sa : m.All<SaPayload>())
    if (sa->proposals.empty()) return true;
  return false;
}

// Decoded payloads must survive encode -> decode unchanged.
void CheckRoundTrip(const Message& m) {
  (void)CheckPayloadRules(m);
  (void)m.Summary();
  auto again = EncodeMessage(m.header, m.payloads);
  if (!again.ok()) {
    Require(HasEmptySa(m) || m.header.length > kMaxMessageSize);
    return;
  }
  auto back = DecodeMessage(*again, nullptr);
  Require(back.ok());
  Require(back->payloads == m.payloads);
}

void Reassemble(const Message& m) {
  FragmentReassembler reassembler;
  uint16_t total = m.fragment->total;
  for (uint16_t n = 1; n <= total && n <= kMaxFragments; ++n) {
    Message copy = m;
    copy.fragment->number = n;
    auto r = reassembler.Add(std::move(copy));
    if (!r.ok()) return;
    if (r->has_value()) {
      Require(reassembler.empty());
      CheckRoundTrip(**r);
      return;
    }
  }
}

crypto::Cipher* RealGcm() {
  static std::unique_ptr<crypto::Cipher> cipher = [] {
    crypto::CipherSpec spec{EncrId::kAesGcm16, 256, IntegId::kNone};
    auto c = crypto::Cipher::Create(spec, SecretBytes(Bytes(36, 0x42)), SecretBytes());
    return c.ok() ? std::move(c).value() : nullptr;
  }();
  return cipher.get();
}

}  // namespace
}  // namespace ikevpn::ike

// The crypto layer fetches each OpenSSL algorithm once and keeps it for the
// process's life (daemon/ike/crypto/ossl.cc); LeakSanitizer reports those at
// exit. Only allocations made inside libcrypto are exempted.
extern "C" const char* __lsan_default_suppressions() { return "leak:libcrypto.so\n"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ikevpn;
  using namespace ikevpn::ike;
  ByteSpan in(data, size);
  (void)ParseHeader(in);

  auto plain = DecodeMessage(in, nullptr);
  if (plain.ok()) CheckRoundTrip(*plain);

  static testing::FakeCipher aead(1, testing::FakeCipher::kAeadShape, /*verify=*/false);
  static testing::FakeCipher cbc(1, testing::FakeCipher::kCbcShape, /*verify=*/false);
  for (crypto::Cipher* c : {static_cast<crypto::Cipher*>(&aead), static_cast<crypto::Cipher*>(&cbc)}) {
    auto m = DecodeMessage(in, c);
    if (!m.ok()) continue;
    if (m->fragment) {
      Reassemble(*m);
    } else {
      CheckRoundTrip(*m);
    }
  }

  if (crypto::Cipher* gcm = RealGcm()) {
    auto m = DecodeMessage(in, gcm);
    Require(!m.ok() || !m->encrypted);  // nobody forges a GCM tag
  }
  return 0;
}
