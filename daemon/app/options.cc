#include "daemon/app/options.h"

#include <boost/program_options.hpp>
#include <sstream>

namespace ikevpn::app {

namespace po = boost::program_options;

ParsedOptions ParseDaemonOptions(int argc, const char* const* argv) {
  DaemonOptions o;
  std::string backend = "auto";
  po::options_description desc("Usage: ikevpnd [OPTIONS]\n\nOptions");
  desc.add_options()
      ("help,h", "show this help and exit")
      ("version", "show the version and exit")
      ("config,c", po::value(&o.config)->value_name("FILE"), "configuration file (default /etc/ikevpn.conf)")
      ("state-dir", po::value(&o.state_dir)->value_name("DIR"), "persistent state (default: state-dir of the config, /var/lib/ikevpn)")
      ("backend", po::value(&backend)->value_name("auto|xfrm|userspace"), "kernel backend (default auto)")
      ("bus", po::value(&o.bus)->value_name("system|session|none|ADDRESS"), "D-Bus to serve the control API on (default system)")
      ("log-level", po::value(&o.log_level)->value_name("SPEC"), "e.g. info or debug,knl=trace (overrides the config)")
      ("foreground,f", po::bool_switch(&o.foreground), "stay in the foreground (log to stderr)")
      ("check-config", po::bool_switch(&o.check_config), "validate the configuration and exit")
      ("pid-file", po::value(&o.pid_file)->value_name("FILE"), "write the daemon's PID here");
  ParsedOptions out;
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::ostringstream s;
      s << desc;
      out.output = s.str();
      return out;
    }
    if (vm.count("version")) {
      out.output = "ikevpnd " IKEVPN_VERSION "\n";
      return out;
    }
  } catch (const po::error& e) {
    out.exit_code = 2;
    out.output = std::string("ikevpnd: ") + e.what() + "\nTry 'ikevpnd --help'.\n";
    return out;
  }
  if (backend == "auto") {
    o.backend = BackendChoice::kAuto;
  } else if (backend == "xfrm") {
    o.backend = BackendChoice::kXfrm;
  } else if (backend == "userspace") {
    o.backend = BackendChoice::kUserspace;
  } else {
    out.exit_code = 2;
    out.output = "ikevpnd: --backend must be auto, xfrm or userspace, not '" + backend + "'\n";
    return out;
  }
  out.options = o;
  return out;
}

}  // namespace ikevpn::app
