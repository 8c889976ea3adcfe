// ikevpnctl: control ikevpnd over D-Bus. See `ikevpnctl --help`.
#include <iostream>

#include "ctl/cli.h"
#include "ctl/commands.h"
#include "ctl/exit_codes.h"

#ifndef IKEVPN_VERSION
#define IKEVPN_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace ikevpn::ctl;
  Options options;
  if (auto error = ParseOptions(argc, argv, &options)) {
    std::cerr << "ikevpnctl: " << *error << "\n" << "hint: see: ikevpnctl --help\n";
    return kExitUsage;
  }
  if (options.help) {
    std::cout << UsageText();
    return kExitOk;
  }
  if (options.version) {
    std::cout << "ikevpnctl " << IKEVPN_VERSION << "\n";
    return kExitOk;
  }
  return RunCommand(options, std::cout, std::cerr);
}
