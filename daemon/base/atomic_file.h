// Crash-safe small files for daemon state (leases, address inertia).
//
// WriteFileAtomically writes to "PATH.tmp", fsyncs it, renames it over PATH
// and fsyncs the directory: after a crash (or kill -9 mid-write) PATH holds
// either the old or the new content, never a torn mix. ReadSmallFile reads
// a whole file, refusing anything larger than a limit (state files are
// small; a huge one is corrupt or hostile).
#pragma once

#include <string>

#include "daemon/base/status.h"

namespace ikevpn {

// mode: permission bits of a newly created file (state may name peers).
Status WriteFileAtomically(const std::string& path, std::string_view content, unsigned mode = 0600);

// The two halves of WriteFileAtomically, for a writer that adds to the temp
// file before it replaces PATH: WriteSyncedTemp writes and fsyncs
// "PATH.tmp"; CommitTemp renames it over PATH and fsyncs the directory (an
// error after the rename is possible: then PATH is new but the rename may
// not be durable yet).
Status WriteSyncedTemp(const std::string& path, std::string_view content, unsigned mode = 0600);
Status CommitTemp(const std::string& path);

// Appends `data` to `fd` (opened with O_APPEND on `path`, which names it in
// errors) and makes it durable with fdatasync. On an error part of `data`
// may have been written.
Status AppendDurably(int fd, std::string_view data, const std::string& path);

// kNotFound if PATH does not exist; kInvalidArgument if larger than max_bytes.
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes = 16u << 20);

}  // namespace ikevpn
