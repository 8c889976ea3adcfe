// Anti-replay (RFC 4303 §3.4.3) with extended sequence numbers (Appendix
// A2: the receiver infers the high 32 bits), and the sender's sequence
// number limits that force a rekey before the counter would cycle.
//
// The window is a bitmap of `size` bits (a power of two, at least
// kMinReplayWindow) indexed by sequence number modulo size. Check() runs
// before the ICV is verified and changes nothing; Update() runs only after
// the ICV verified, so forged packets cannot move the window.
//
// Not thread-safe: one inbound worker owns an SA's window.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ikevpn::kernel::userspace {

inline constexpr uint32_t kMinReplayWindow = 1024;
inline constexpr uint32_t kMaxReplayWindow = 1u << 16;

class ReplayWindow {
 public:
  // `size` is raised to kMinReplayWindow and rounded up to a power of two
  // (at most kMaxReplayWindow).
  explicit ReplayWindow(uint32_t size = kMinReplayWindow, bool esn = false);

  uint32_t size() const { return size_; }
  // Highest authenticated sequence number so far (0: none yet).
  uint64_t top() const { return top_; }

  // The full sequence number for a received low half, if the packet is
  // neither a replay nor too old. nullopt: drop it without verifying.
  std::optional<uint64_t> Check(uint32_t seq_lo) const;
  // Records an authenticated packet. Returns false if it is a replay after
  // all (never happens when Check() passed and nothing else ran in between).
  bool Update(uint64_t seq);

 private:
  uint64_t InferFull(uint32_t seq_lo) const;
  bool Seen(uint64_t seq) const;

  uint32_t size_;
  bool esn_;
  uint64_t top_ = 0;
  std::vector<uint64_t> bits_;  // size_ / 64 words
};

// Sender side: soft and hard limits of the outbound sequence number.
// Without ESN the 32-bit counter must never cycle (RFC 4303 §3.3.3), so the
// SA must be rekeyed before 2^32 - 1; the soft limit leaves 2^20 packets for
// the rekey to finish.
struct SeqLimits {
  uint64_t soft = 0;  // reaching it: soft expire (rekey)
  uint64_t hard = 0;  // last usable sequence number; beyond it: hard expire

  static SeqLimits For(bool esn);
};

}  // namespace ikevpn::kernel::userspace
