// Internal to daemon/ike/crypto: HMAC over EVP_MAC with a key that is set
// once and reused, so per-message cost is two hash finalisations and no
// allocation (EVP_MAC_init with a NULL key only resets the keyed state).
//
// Not thread-safe; one object per user. Movable.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"

struct evp_mac_ctx_st;

namespace ikevpn::crypto::internal {

class Hmac {
 public:
  inline static constexpr size_t kMaxOutputSize = 64;

  // digest: an OpenSSL digest name ("SHA1", "SHA256", "SHA384", "SHA512").
  static Result<Hmac> Create(std::string_view digest);

  size_t output_size() const { return output_size_; }

  // Sets the key and starts a message. Any key length is allowed.
  Status SetKey(ByteSpan key);
  // Starts a new message under the key of the last SetKey.
  Status Restart();
  Status Update(ByteSpan data);
  // Writes output_size() bytes to `out` and ends the message.
  // Precondition: out has room for output_size() bytes.
  Status Final(uint8_t* out);

 private:
  struct CtxFree {
    void operator()(evp_mac_ctx_st* ctx) const;
  };
  Hmac(evp_mac_ctx_st* ctx, size_t output_size) : ctx_(ctx), output_size_(output_size) {}

  std::unique_ptr<evp_mac_ctx_st, CtxFree> ctx_;
  size_t output_size_;
};

}  // namespace ikevpn::crypto::internal
