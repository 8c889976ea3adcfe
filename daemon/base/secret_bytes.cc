#include "daemon/base/secret_bytes.h"

#include <string.h>

namespace ikevpn {

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    Wipe();
    data_ = other.data_;
  }
  return *this;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    other.data_.clear();
  }
  return *this;
}

SecretBytes SecretBytes::Slice(size_t offset, size_t n) const {
  return SecretBytes(std::span<const uint8_t>(data_.data() + offset, n));
}

void SecretBytes::Resize(size_t n) {
  if (n <= data_.capacity()) {
    if (n < data_.size()) explicit_bzero(data_.data() + n, data_.size() - n);
    data_.resize(n);
    return;
  }
  std::vector<uint8_t> bigger;
  bigger.reserve(n);
  bigger.assign(data_.begin(), data_.end());
  bigger.resize(n);
  Wipe();
  data_ = std::move(bigger);
}

void SecretBytes::Append(std::span<const uint8_t> more) {
  size_t old = data_.size();
  Resize(old + more.size());
  if (!more.empty()) memcpy(data_.data() + old, more.data(), more.size());
}

void SecretBytes::Wipe() {
  if (!data_.empty()) explicit_bzero(data_.data(), data_.size());
  data_.clear();
}

bool SecretBytes::Equals(std::span<const uint8_t> other) const {
  return ConstantTimeEquals(span(), other);
}

bool ConstantTimeEquals(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<uint8_t>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace ikevpn
