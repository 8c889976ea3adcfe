// nm-ikevpn-service: NetworkManager's VPN plugin for ikevpnd. NetworkManager
// starts it (program= in nm-ikevpn-service.name) without arguments; it owns
// org.freedesktop.NetworkManager.ikevpn on the system bus and drives ikevpnd
// over its D-Bus API. See nm-ikevpn-service(8).
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "dbus/bus_connection.h"
#include "dbus/bus_loop.h"
#include "nm/plugin.h"

#ifndef IKEVPN_VERSION
#define IKEVPN_VERSION "unknown"
#endif

namespace {

constexpr char kUsage[] =
    "usage: nm-ikevpn-service [--bus-name NAME] [--bus system|session|ADDRESS] [--debug]\n"
    "NetworkManager's VPN plugin for ikevpnd; started by NetworkManager.\n";

struct Options {
  std::string bus_name = ikevpn::nm::kDefaultBusName;
  std::string bus = "system";
  bool debug = false;
  bool syslog = false;
};

bool Parse(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--bus-name" || a == "--bus") && i + 1 < argc) {
      (a == "--bus" ? o->bus : o->bus_name) = argv[++i];
    } else if (a == "--debug") {
      o->debug = true;
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (a == "--version") {
      std::cout << "nm-ikevpn-service " IKEVPN_VERSION "\n";
      std::exit(0);
    } else {
      std::cerr << "nm-ikevpn-service: unknown argument '" << a << "'\n" << kUsage;
      return false;
    }
  }
  // Set by NetworkManager: its own log level (syslog numbering) and whether
  // it logs to syslog.
  if (const char* level = std::getenv("NM_VPN_LOG_LEVEL"); level && std::atoi(level) >= LOG_DEBUG)
    o->debug = true;
  if (const char* s = std::getenv("NM_VPN_LOG_SYSLOG"); s && std::string(s) == "1") o->syslog = true;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ikevpn;
  Options o;
  if (!Parse(argc, argv, &o)) return 2;
  std::string error;
  Log::Configure(o.debug ? "debug" : "info", &error);
  if (o.syslog) {
    openlog("nm-ikevpn-service", LOG_PID, LOG_DAEMON);
    Log::SetSink([](Subsys, LogLevel l, std::string_view line) {
      static const int kPriority[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG};
      syslog(kPriority[static_cast<int>(l)], "%.*s", static_cast<int>(line.size()), line.data());
    });
  }

  auto spec = dbus::BusSpec::Parse(o.bus);
  if (!spec.ok()) {
    std::cerr << "nm-ikevpn-service: --bus: " << spec.status().message() << "\n";
    return 2;
  }
  SystemClock clock;
  EventLoop loop(clock);
  if (Status s = loop.Init(); !s.ok()) {
    IKEVPN_LOG(kCtl, kError) << s.ToString();
    return 1;
  }
  auto bus = dbus::OpenBus(*spec);
  if (!bus.ok()) {
    IKEVPN_LOG(kCtl, kError) << bus.status().message();
    return 1;
  }
  dbus::BusLoop bus_loop(**bus, loop);
  int rc = 0;
  {
    nm::Plugin plugin(**bus, loop, [&bus_loop] { bus_loop.Rearm(); }, [&loop] { loop.Stop(); });
    try {
      (*bus)->requestName(o.bus_name);
    } catch (const sdbus::Error& e) {
      IKEVPN_LOG(kCtl, kError) << "cannot own " << o.bus_name << ": " << e.getMessage()
                               << " (is the policy file nm-ikevpn-service.conf in dbus-1/system.d?)";
      return 1;
    }
    Status started = bus_loop.Start([] {}, [&loop, &rc](const Status& s) {
      IKEVPN_LOG(kCtl, kError) << "lost the bus: " << s.message();
      rc = 1;
      loop.Stop();
    });
    if (!started.ok()) {
      IKEVPN_LOG(kCtl, kError) << started.ToString();
      return 1;
    }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd >= 0) {
      (void)loop.AddFd(sfd, EPOLLIN, [&](uint32_t) {
        signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
          IKEVPN_LOG(kCtl, kInfo) << "signal " << strsignal(static_cast<int>(si.ssi_signo)) << ": exiting";
          plugin.Shutdown();
          loop.Stop();
        }
      });
    }
    IKEVPN_LOG(kCtl, kInfo) << "nm-ikevpn-service " IKEVPN_VERSION " ready as " << o.bus_name << " on the "
                            << spec->Describe();
    if (Status s = loop.Run(); !s.ok()) {
      IKEVPN_LOG(kCtl, kError) << s.ToString();
      rc = 1;
    }
    if (sfd >= 0) {
      loop.RemoveFd(sfd);
      close(sfd);
    }
    bus_loop.Stop();
  }
  return rc;
}
