// SecretBytes: key material that wipes itself and never prints.
//
// Holds its bytes in a std::vector that is zeroed (explicit_bzero) before
// release and on every reallocation. There is deliberately no operator<< and
// no ToString; tests compare with Equals() or read bytes through span().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ikevpn {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : data_(n, 0) {}
  explicit SecretBytes(std::span<const uint8_t> data) : data_(data.begin(), data.end()) {}
  SecretBytes(const SecretBytes& other) : data_(other.data_) {}
  SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) { other.data_.clear(); }
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { Wipe(); }

  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  uint8_t* data() { return data_.data(); }
  const uint8_t* data() const { return data_.data(); }
  std::span<const uint8_t> span() const { return {data_.data(), data_.size()}; }
  std::span<uint8_t> mutable_span() { return {data_.data(), data_.size()}; }

  // Bytes [offset, offset+n) as a new secret. Precondition: in range.
  SecretBytes Slice(size_t offset, size_t n) const;
  // Appends, wiping the old storage if the vector has to grow.
  void Append(std::span<const uint8_t> more);
  // Resizes, wiping the old storage if it moves.
  void Resize(size_t n);
  // Zeroes and empties.
  void Wipe();
  // Constant-time comparison.
  bool Equals(std::span<const uint8_t> other) const;

 private:
  std::vector<uint8_t> data_;
};

// Constant-time equality of two byte ranges (false if lengths differ).
bool ConstantTimeEquals(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace ikevpn
