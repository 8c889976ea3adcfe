// ikevpn_fake_daemon: hosts the real ControlService over ScriptedControlApi
// on a given bus, for the ikevpnctl integration test.
//
//   ikevpn_fake_daemon --bus ADDRESS [--delay-ms N] [--reload-fail-file PATH]
//
// Prints "ready" on stdout once the name is owned; runs until SIGTERM/SIGINT.
// While PATH exists, Reload fails with "/etc/ikevpn.conf:12: ..." errors.
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "dbus/control_service.h"
#include "tests/integration/dbus/scripted_control_api.h"

namespace {

ikevpn::EventLoop* g_loop = nullptr;

void OnSignal(int) {
  if (g_loop) g_loop->Stop();  // async-signal-safe: an atomic store and write(2)
}

}  // namespace

int main(int argc, char** argv) {
  std::string bus = "session";
  std::string reload_fail_file;
  long delay_ms = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--bus") {
      bus = argv[i + 1];
    } else if (flag == "--delay-ms") {
      delay_ms = std::strtol(argv[i + 1], nullptr, 10);
    } else if (flag == "--reload-fail-file") {
      reload_fail_file = argv[i + 1];
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  ikevpn::Log::SetAllLevels(ikevpn::LogLevel::kDebug);

  ikevpn::SystemClock clock;
  ikevpn::EventLoop loop(clock);
  if (auto s = loop.Init(); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  ikevpn::testing::ScriptedControlApi api(loop, clock, std::chrono::milliseconds(delay_ms));
  api.reload_check = [reload_fail_file]() -> std::optional<ikevpn::Status> {
    struct stat st;
    if (reload_fail_file.empty() || stat(reload_fail_file.c_str(), &st) != 0) return std::nullopt;
    return ikevpn::Status(ikevpn::Code::kInvalidArgument,
                          "/etc/ikevpn.conf:12: unknown key 'pfs' in [office]");
  };

  auto spec = ikevpn::dbus::BusSpec::Parse(bus);
  if (!spec.ok()) {
    std::cerr << spec.status().ToString() << "\n";
    return 2;
  }
  ikevpn::dbus::ControlService service(api, loop, *spec);
  if (auto s = service.Start(); !s.ok()) {
    std::cerr << "fake daemon: " << s.ToString() << "\n";
    return 1;
  }
  g_loop = &loop;
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  std::cout << "ready " << service.unique_name() << std::endl;
  auto status = loop.Run();
  service.Stop();
  g_loop = nullptr;
  if (!status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  return 0;
}
