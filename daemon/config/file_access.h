// The config layer's file-system edge: reading text files and checking
// who may read a file that holds secrets.
#pragma once

#include <string>

#include "daemon/base/status.h"
#include "daemon/config/config.h"
#include "daemon/config/diagnostic.h"

namespace ikevpn::config {

// Whole file as text; at most 4 MiB (a config is never that large).
Result<std::string> ReadTextFile(const std::string& path);

// `path` if absolute, else relative to the directory of `base_file`.
std::string ResolvePath(const std::string& base_file, const std::string& path);

// If group or others have any access to `path`, reports it: a warning
// under kWarn, an error under kRefuse. `why` says why the mode matters
// ("holds secrets"). Returns false if the file must not be used. A file that
// cannot be stat()ed passes here; reading it reports the problem.
bool CheckSecretFileMode(const std::string& path, std::string_view why, PermissionPolicy policy,
                         Diagnostics* diags);

}  // namespace ikevpn::config
