// ikevpnd: the IKEv2 daemon. Everything happens in Daemon (daemon.h).
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "daemon/app/credentials.h"
#include "daemon/app/daemon.h"
#include "daemon/app/options.h"
#include "daemon/base/log.h"
#include "daemon/config/config_parser.h"

int main(int argc, char** argv) {
  using namespace ikevpn;
  app::ParsedOptions parsed = app::ParseDaemonOptions(argc, argv);
  if (!parsed.options) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.output;
    return parsed.exit_code;
  }
  const app::DaemonOptions& o = *parsed.options;
  if (o.check_config) {
    // The certificate, key and CA files too, as the daemon would load them
    // (their errors are printed by CheckConfig, not logged).
    Log::SetSink([](Subsys, LogLevel, std::string_view) {});
    return config::CheckConfig(o.config, std::cout, [](const config::Config& c) {
      app::FileCredentialStore store;
      return store.Load(c.connections);
    });
  }
  if (!o.foreground) {
    // Classic daemon: detach and log to syslog.
    if (daemon(0, 0) < 0) {
      perror("ikevpnd: daemon");
      return 1;
    }
    openlog("ikevpnd", LOG_PID, LOG_DAEMON);
    Log::SetSink([](Subsys s, LogLevel l, std::string_view line) {
      static const int kPriority[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG};
      syslog(kPriority[static_cast<int>(l)], "[%.*s] %.*s", static_cast<int>(ToString(s).size()), ToString(s).data(),
             static_cast<int>(line.size()), line.data());
    });
  }
  if (!o.pid_file.empty()) {
    if (FILE* f = fopen(o.pid_file.c_str(), "w")) {
      fprintf(f, "%d\n", getpid());
      fclose(f);
    }
  }
  app::Daemon daemon(o);
  if (Status s = daemon.Start(); !s.ok()) {
    IKEVPN_LOG(kDaemon, kError) << "cannot start: " << s.message();
    return 1;
  }
  int rc = daemon.Run();
  if (!o.pid_file.empty()) unlink(o.pid_file.c_str());
  return rc;
}
