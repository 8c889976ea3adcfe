#include "daemon/base/log.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace ikevpn {

std::array<LogLevel, static_cast<size_t>(Subsys::kCount)> Log::levels_ = [] {
  std::array<LogLevel, static_cast<size_t>(Subsys::kCount)> a;
  a.fill(LogLevel::kInfo);
  return a;
}();

namespace {

std::mutex& SinkMutex() {
  static std::mutex m;
  return m;
}

Log::Sink& CurrentSink() {
  static Log::Sink sink;
  return sink;
}

}  // namespace

std::string_view ToString(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
    case LogLevel::kTrace: return "trace";
  }
  return "?";
}

std::string_view ToString(Subsys subsys) {
  switch (subsys) {
    case Subsys::kDaemon: return "daemon";
    case Subsys::kIke: return "ike";
    case Subsys::kNet: return "net";
    case Subsys::kCfg: return "cfg";
    case Subsys::kKnl: return "knl";
    case Subsys::kEsp: return "esp";
    case Subsys::kIf: return "if";
    case Subsys::kCtl: return "ctl";
    case Subsys::kCount: break;
  }
  return "?";
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (auto l : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug,
                 LogLevel::kTrace}) {
    if (ToString(l) == name) return l;
  }
  return std::nullopt;
}

std::optional<Subsys> ParseSubsys(std::string_view name) {
  for (size_t i = 0; i < static_cast<size_t>(Subsys::kCount); ++i) {
    auto s = static_cast<Subsys>(i);
    if (ToString(s) == name) return s;
  }
  return std::nullopt;
}

bool Log::Configure(std::string_view spec, std::string* error) {
  auto levels = levels_;
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      auto l = ParseLogLevel(item);
      if (!l) {
        *error = "unknown log level '" + std::string(item) + "'";
        return false;
      }
      levels.fill(*l);
      continue;
    }
    auto s = ParseSubsys(item.substr(0, eq));
    auto l = ParseLogLevel(item.substr(eq + 1));
    if (!s || !l) {
      *error = "bad log level item '" + std::string(item) +
               "' (want SUBSYS=LEVEL, subsystems daemon,ike,net,cfg,knl,esp,if,ctl)";
      return false;
    }
    levels[static_cast<size_t>(*s)] = *l;
  }
  levels_ = levels;
  return true;
}

void Log::SetSink(Sink sink) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  CurrentSink() = std::move(sink);
}

void Log::Write(Subsys s, LogLevel l, std::string_view line) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  if (CurrentSink()) {
    CurrentSink()(s, l, line);
    return;
  }
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  localtime_r(&ts.tv_sec, &tm);
  char prefix[64];
  int n = snprintf(prefix, sizeof prefix, "%02d:%02d:%02d.%03ld [%.*s] %.*s: ", tm.tm_hour,
                   tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
                   static_cast<int>(ToString(s).size()), ToString(s).data(),
                   static_cast<int>(ToString(l).size()), ToString(l).data());
  std::string out(prefix, n > 0 ? static_cast<size_t>(n) : 0);
  out.append(line);
  out.push_back('\n');
  ssize_t ignored = ::write(STDERR_FILENO, out.data(), out.size());
  (void)ignored;
}

}  // namespace ikevpn
