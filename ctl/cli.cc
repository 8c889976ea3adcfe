#include "ctl/cli.h"

#include <boost/program_options.hpp>

#include <cmath>
#include <sstream>

namespace ikevpn::ctl {
namespace po = boost::program_options;

namespace {

struct CommandSpec {
  const char* name;
  size_t min_args;
  size_t max_args;
  const char* usage;
};

constexpr CommandSpec kCommands[] = {
    {"list", 0, 0, "list"},
    {"status", 0, 1, "status [NAME]"},
    {"up", 1, 1, "up NAME [--wait]"},
    {"down", 1, 1, "down NAME"},
    {"sas", 0, 0, "sas"},
    {"reload", 0, 0, "reload"},
    {"monitor", 0, 0, "monitor [--count N]"},
};

po::options_description GlobalOptions() {
  po::options_description desc("Options");
  desc.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("bus", po::value<std::string>()->default_value("system"),
       "system, session, or a D-Bus address (unix:path=/run/x)")
      ("json", "print JSON (monitor: one object per line)")
      ("timeout", po::value<double>()->default_value(30), "seconds to wait for each answer")
      ("wait", "up: return when the tunnel is up, not when it is starting")
      ("count", po::value<uint64_t>()->default_value(0), "monitor: exit after N events");
  return desc;
}

}  // namespace

std::string UsageText() {
  std::ostringstream s;
  s << "usage: ikevpnctl [OPTIONS] COMMAND [ARGS]\n\n"
       "Commands:\n"
       "  list               configured connections and their state\n"
       "  status [NAME]      details of one or all connections, with their SAs\n"
       "  up NAME [--wait]   start a connection\n"
       "  down NAME          delete a connection's SAs\n"
       "  sas                all IKE_SAs and CHILD_SAs\n"
       "  reload             re-read /etc/ikevpn.conf\n"
       "  monitor            print events as they happen (Ctrl-C to stop)\n\n"
    << GlobalOptions()
    << "\nExit codes:\n"
       "  0 ok, 1 operation failed, 2 usage error, 3 not found,\n"
       "  4 ikevpnd not reachable or access denied, 5 timeout\n";
  return s.str();
}

std::optional<std::string> ParseOptions(int argc, const char* const* argv, Options* out) {
  po::options_description hidden;
  hidden.add_options()("command", po::value<std::string>())(
      "args", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(GlobalOptions()).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return std::string(e.what());
  }
  out->help = vm.count("help") > 0;
  out->version = vm.count("version") > 0;
  out->json = vm.count("json") > 0;
  out->wait = vm.count("wait") > 0;
  out->bus = vm["bus"].as<std::string>();
  out->timeout_seconds = vm["timeout"].as<double>();
  out->count = vm["count"].as<uint64_t>();
  if (vm.count("command")) out->command = vm["command"].as<std::string>();
  if (vm.count("args")) out->args = vm["args"].as<std::vector<std::string>>();
  if (out->help || out->version) return std::nullopt;

  if (!(out->timeout_seconds > 0) || !std::isfinite(out->timeout_seconds)) {
    return "--timeout must be a positive number of seconds";
  }
  if (out->command.empty()) return "no command given";
  const CommandSpec* spec = nullptr;
  for (const auto& c : kCommands) {
    if (out->command == c.name) spec = &c;
  }
  if (!spec) return "unknown command '" + out->command + "'";
  if (out->args.size() < spec->min_args || out->args.size() > spec->max_args) {
    return std::string("wrong arguments; usage: ikevpnctl ") + spec->usage;
  }
  if (out->wait && out->command != "up") return "--wait only applies to up";
  if (!vm["count"].defaulted() && out->command != "monitor") return "--count only applies to monitor";
  return std::nullopt;
}

}  // namespace ikevpn::ctl
