// Bounds-checked reading and writing of network-order bytes.
//
// ByteReader is the one way untrusted bytes are read: it holds a pointer and
// an end bound, every read checks the remaining length first, and a failed
// read leaves the reader unchanged and returns false. Nothing here allocates
// by a length taken from the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ikevpn {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;
using MutableByteSpan = std::span<uint8_t>;

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(ByteSpan data) : p_(data.data()), end_(data.data() + data.size()) {}
  ByteReader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }
  const uint8_t* position() const { return p_; }
  ByteSpan rest() const { return {p_, remaining()}; }

  bool ReadU8(uint8_t* out);
  bool ReadU16(uint16_t* out);
  bool ReadU24(uint32_t* out);
  bool ReadU32(uint32_t* out);
  bool ReadU64(uint64_t* out);
  // A view of the next n bytes; valid as long as the underlying buffer is.
  bool ReadSpan(size_t n, ByteSpan* out);
  // Splits off the next n bytes as a reader of their own.
  bool ReadSub(size_t n, ByteReader* out);
  bool Skip(size_t n);

 private:
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
};

// Appends network-order values to a byte vector. Length fields are written
// as placeholders and patched once the length is known.
class ByteWriter {
 public:
  explicit ByteWriter(Bytes* out) : out_(out) {}

  size_t size() const { return out_->size(); }
  void U8(uint8_t v) { out_->push_back(v); }
  void U16(uint16_t v);
  void U24(uint32_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void Append(ByteSpan data) { out_->insert(out_->end(), data.begin(), data.end()); }
  void Append(std::string_view s) { out_->insert(out_->end(), s.begin(), s.end()); }
  void Zeros(size_t n) { out_->insert(out_->end(), n, 0); }
  // Overwrites a previously written 16/32-bit field at `offset`.
  void PatchU16(size_t offset, uint16_t v);
  void PatchU32(size_t offset, uint32_t v);
  void PatchU8(size_t offset, uint8_t v) { (*out_)[offset] = v; }

 private:
  Bytes* out_;
};

// Loads/stores without alignment requirements (for hot paths that already
// checked the bounds).
inline uint16_t LoadBe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t LoadBe32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline uint64_t LoadBe64(const uint8_t* p) { return uint64_t{LoadBe32(p)} << 32 | LoadBe32(p + 4); }
inline void StoreBe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void StoreBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void StoreBe64(uint8_t* p, uint64_t v) {
  StoreBe32(p, static_cast<uint32_t>(v >> 32));
  StoreBe32(p + 4, static_cast<uint32_t>(v));
}

// Lower-case hex, for logs and tests.
std::string ToHex(ByteSpan data);
// Parses hex (whitespace ignored); returns false on odd length or bad digit.
bool FromHex(std::string_view hex, Bytes* out);

}  // namespace ikevpn
