// Logging with a level per subsystem.
//
// Levels have fixed meanings:
//   error  something the operator must act on (a tunnel cannot come up, a
//          kernel call failed, config rejected)
//   warn   something unusual that the daemon handled (peer misbehaved,
//          retransmit limit hit, insecure file mode)
//   info   state changes an operator wants in the journal (SA up/down,
//          rekeyed, reload done); at most a few lines per SA lifetime
//   debug  per-exchange detail (payloads chosen, timers)
//   trace  per-packet detail; never enable in production
//
//   IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << name << " established";
//
// The stream is only evaluated when the level is enabled.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace ikevpn {

enum class LogLevel : unsigned char { kError, kWarn, kInfo, kDebug, kTrace };

enum class Subsys : unsigned char {
  kDaemon,  // process lifetime, signals, event loop
  kIke,     // IKE state machine and exchanges
  kNet,     // UDP sockets, NAT-T, packet I/O
  kCfg,     // configuration parsing and reload
  kKnl,     // kernel IPsec backends (xfrm, userspace SAs)
  kEsp,     // userspace ESP datapath
  kIf,      // interface manager (ipsecN, routes)
  kCtl,     // D-Bus control and NetworkManager plugin
  kCount,
};

std::string_view ToString(LogLevel level);
std::string_view ToString(Subsys subsys);
std::optional<LogLevel> ParseLogLevel(std::string_view name);
std::optional<Subsys> ParseSubsys(std::string_view name);

class Log {
 public:
  using Sink = std::function<void(Subsys, LogLevel, std::string_view)>;

  static bool Enabled(Subsys s, LogLevel l) {
    return static_cast<unsigned>(l) <= static_cast<unsigned>(levels_[static_cast<size_t>(s)]);
  }
  static void SetLevel(Subsys s, LogLevel l) { levels_[static_cast<size_t>(s)] = l; }
  static void SetAllLevels(LogLevel l) { levels_.fill(l); }
  // Parses "info" or "debug,ike=trace,knl=warn"; returns false (and changes
  // nothing) on a bad spec, with the reason in *error.
  static bool Configure(std::string_view spec, std::string* error);
  // Replaces the default stderr sink (tests capture lines with this).
  // Pass nullptr to restore the default.
  static void SetSink(Sink sink);
  static void Write(Subsys s, LogLevel l, std::string_view line);

 private:
  static std::array<LogLevel, static_cast<size_t>(Subsys::kCount)> levels_;
};

// One log line, written when it goes out of scope.
class LogLine {
 public:
  LogLine(Subsys s, LogLevel l) : subsys_(s), level_(l) {}
  ~LogLine() { Log::Write(subsys_, level_, stream_.str()); }
  std::ostream& stream() { return stream_; }

 private:
  Subsys subsys_;
  LogLevel level_;
  std::ostringstream stream_;
};

}  // namespace ikevpn

// Turns the stream expression into void so both branches of ?: match
// (the glog idiom; safe inside an unbraced if/else).
namespace ikevpn {
struct LogVoidify {
  void operator&(std::ostream&) {}
};
}  // namespace ikevpn

#define IKEVPN_LOG(subsys, level)                                                        \
  !::ikevpn::Log::Enabled(::ikevpn::Subsys::subsys, ::ikevpn::LogLevel::level)           \
      ? (void)0                                                                          \
      : ::ikevpn::LogVoidify() &                                                         \
            ::ikevpn::LogLine(::ikevpn::Subsys::subsys, ::ikevpn::LogLevel::level).stream()
