// Writes encoded messages into a directory as fuzz seeds for fuzz_message:
//   message_fuzz_seeds tests/fuzz/seeds/message
// Protected messages are sealed with FakeCipher key 1, the key the fuzz
// target's accept-all ciphers decrypt with.
#include <cstdio>
#include <fstream>
#include <string>

#include "daemon/base/rng.h"
#include "daemon/ike/message/fragmentation.h"
#include "tests/unit/message/fake_cipher.h"
#include "tests/unit/message/sample_messages.h"

using namespace ikevpn;
using namespace ikevpn::ike;

namespace {

void Write(const std::string& dir, const std::string& name, const Result<Bytes>& wire) {
  if (!wire.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), wire.status().ToString().c_str());
    std::exit(1);
  }
  std::ofstream(dir + "/" + name, std::ios::binary)
      .write(reinterpret_cast<const char*>(wire->data()), static_cast<std::streamsize>(wire->size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  DeterministicRng rng(1);
  Write(dir, "encoded_ike_sa_init_req.bin",
        EncodeMessage(testing::SampleHeader(ExchangeType::kIkeSaInit, 0),
                      testing::SampleIkeSaInitPayloads()));
  Write(dir, "encoded_cookie_resp.bin",
        EncodeMessage(testing::SampleHeader(ExchangeType::kIkeSaInit, 0, true),
                      Payloads{MakeNotify(NotifyType::kCookie, testing::Filled(16, 1))}));
  for (auto shape : {testing::FakeCipher::kAeadShape, testing::FakeCipher::kCbcShape}) {
    testing::FakeCipher c(1, shape);
    std::string suffix = shape.block == 1 ? "_aead.bin" : "_cbc.bin";
    Write(dir, "encoded_ike_auth_req" + suffix,
          EncodeProtectedMessage(testing::SampleHeader(ExchangeType::kIkeAuth, 1),
                                 testing::SampleIkeAuthPayloads(), c, rng));
    Payloads info = {DeletePayload{ProtocolId::kEsp, {0xc1000001}},
                     CpPayload{CfgType::kRequest, {{1, {}}, {3, {}}}},
                     MakeNotify(NotifyType::kUpdateSaAddresses)};
    Write(dir, "encoded_informational_req" + suffix,
          EncodeProtectedMessage(testing::SampleHeader(ExchangeType::kInformational, 2), info, c,
                                 rng));
    auto chain = EncodePayloadChain(testing::SampleIkeAuthPayloads());
    auto frags = SealFragments(testing::SampleHeader(ExchangeType::kIkeAuth, 1), *chain, c, rng, 200);
    if (!frags.ok()) return 1;
    for (size_t i = 0; i < frags->size(); ++i)
      Write(dir, "encoded_ike_auth_skf" + std::to_string(i + 1) + suffix, (*frags)[i]);
  }
  return 0;
}
