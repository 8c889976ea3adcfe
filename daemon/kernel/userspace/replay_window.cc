#include "daemon/kernel/userspace/replay_window.h"

#include <algorithm>

namespace ikevpn::kernel::userspace {

namespace {

uint32_t RoundedSize(uint32_t size) {
  uint32_t n = kMinReplayWindow;
  while (n < size && n < kMaxReplayWindow) n <<= 1;
  return n;
}

}  // namespace

ReplayWindow::ReplayWindow(uint32_t size, bool esn)
    : size_(RoundedSize(size)), esn_(esn), bits_(size_ / 64, 0) {}

// RFC 4303 Appendix A2.1: which 2^32 block the received low half is in,
// given the window [top - size + 1, top].
uint64_t ReplayWindow::InferFull(uint32_t seq_lo) const {
  if (!esn_) return seq_lo;
  uint32_t tl = static_cast<uint32_t>(top_);
  uint32_t th = static_cast<uint32_t>(top_ >> 32);
  uint32_t bottom = tl - (size_ - 1);  // wraps when the window spans two blocks
  uint32_t hi;
  if (tl >= size_ - 1) {
    // The window lies within one block.
    hi = seq_lo >= bottom ? th : th + 1;
  } else {
    // The window spans the end of the previous block.
    hi = seq_lo >= bottom ? th - 1 : th;
    if (th == 0 && seq_lo >= bottom) return 0;  // before the first packet: invalid
  }
  return uint64_t{hi} << 32 | seq_lo;
}

bool ReplayWindow::Seen(uint64_t seq) const {
  uint64_t bit = seq & (size_ - 1);
  return (bits_[bit / 64] >> (bit % 64)) & 1;
}

std::optional<uint64_t> ReplayWindow::Check(uint32_t seq_lo) const {
  uint64_t seq = InferFull(seq_lo);
  if (seq == 0) return std::nullopt;  // sequence numbers start at 1
  if (seq > top_) return seq;
  if (top_ - seq >= size_) return std::nullopt;  // too old
  if (Seen(seq)) return std::nullopt;
  return seq;
}

bool ReplayWindow::Update(uint64_t seq) {
  if (seq == 0) return false;
  if (seq > top_) {
    uint64_t advance = seq - top_;
    if (advance >= size_) {
      std::fill(bits_.begin(), bits_.end(), 0);
    } else {
      for (uint64_t s = top_ + 1; s < seq; ++s) {
        uint64_t bit = s & (size_ - 1);
        bits_[bit / 64] &= ~(uint64_t{1} << (bit % 64));
      }
    }
    top_ = seq;
  } else {
    if (top_ - seq >= size_ || Seen(seq)) return false;
  }
  uint64_t bit = seq & (size_ - 1);
  bits_[bit / 64] |= uint64_t{1} << (bit % 64);
  return true;
}

SeqLimits SeqLimits::For(bool esn) {
  constexpr uint64_t kRekeyMargin = uint64_t{1} << 20;
  uint64_t hard = esn ? ~uint64_t{0} : uint64_t{0xffffffff};
  return {hard - kRekeyMargin, hard};
}

}  // namespace ikevpn::kernel::userspace
