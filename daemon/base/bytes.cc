#include "daemon/base/bytes.h"

namespace ikevpn {

bool ByteReader::ReadU8(uint8_t* out) {
  if (remaining() < 1) return false;
  *out = *p_++;
  return true;
}

bool ByteReader::ReadU16(uint16_t* out) {
  if (remaining() < 2) return false;
  *out = LoadBe16(p_);
  p_ += 2;
  return true;
}

bool ByteReader::ReadU24(uint32_t* out) {
  if (remaining() < 3) return false;
  *out = uint32_t{p_[0]} << 16 | uint32_t{p_[1]} << 8 | p_[2];
  p_ += 3;
  return true;
}

bool ByteReader::ReadU32(uint32_t* out) {
  if (remaining() < 4) return false;
  *out = LoadBe32(p_);
  p_ += 4;
  return true;
}

bool ByteReader::ReadU64(uint64_t* out) {
  if (remaining() < 8) return false;
  *out = LoadBe64(p_);
  p_ += 8;
  return true;
}

bool ByteReader::ReadSpan(size_t n, ByteSpan* out) {
  if (remaining() < n) return false;
  *out = ByteSpan(p_, n);
  p_ += n;
  return true;
}

bool ByteReader::ReadSub(size_t n, ByteReader* out) {
  if (remaining() < n) return false;
  *out = ByteReader(p_, p_ + n);
  p_ += n;
  return true;
}

bool ByteReader::Skip(size_t n) {
  if (remaining() < n) return false;
  p_ += n;
  return true;
}

void ByteWriter::U16(uint16_t v) {
  uint8_t b[2];
  StoreBe16(b, v);
  out_->insert(out_->end(), b, b + 2);
}

void ByteWriter::U24(uint32_t v) {
  U8(static_cast<uint8_t>(v >> 16));
  U8(static_cast<uint8_t>(v >> 8));
  U8(static_cast<uint8_t>(v));
}

void ByteWriter::U32(uint32_t v) {
  uint8_t b[4];
  StoreBe32(b, v);
  out_->insert(out_->end(), b, b + 4);
}

void ByteWriter::U64(uint64_t v) {
  uint8_t b[8];
  StoreBe64(b, v);
  out_->insert(out_->end(), b, b + 8);
}

void ByteWriter::PatchU16(size_t offset, uint16_t v) { StoreBe16(out_->data() + offset, v); }
void ByteWriter::PatchU32(size_t offset, uint32_t v) { StoreBe32(out_->data() + offset, v); }

std::string ToHex(ByteSpan data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(data.size() * 2);
  for (uint8_t b : data) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool FromHex(std::string_view hex, Bytes* out) {
  out->clear();
  int hi = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ':') continue;
    int v = HexValue(c);
    if (v < 0) return false;
    if (hi < 0) {
      hi = v;
    } else {
      out->push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return hi < 0;
}

}  // namespace ikevpn
