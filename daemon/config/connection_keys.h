// The keys of a connection section and of [global]: one table each.
#pragma once

#include <span>

#include "daemon/config/config.h"
#include "daemon/config/section_keys.h"

namespace ikevpn::config {

std::span<const KeyDef<Connection>> ConnectionKeys();
std::span<const KeyDef<GlobalSettings>> GlobalKeys();

}  // namespace ikevpn::config
