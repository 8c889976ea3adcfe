#include "daemon/config/file_access.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace ikevpn::config {

Result<std::string> ReadTextFile(const std::string& path) {
  constexpr size_t kMaxSize = 4 << 20;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", errno);
  std::string text;
  char buf[8192];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ErrnoStatus("cannot read", errno);
      close(fd);
      return s;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxSize) {
      close(fd);
      return Status(Code::kInvalidArgument, "larger than 4 MiB");
    }
  }
  close(fd);
  return text;
}

std::string ResolvePath(const std::string& base_file, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  size_t slash = base_file.rfind('/');
  if (slash == std::string::npos) return path;
  return base_file.substr(0, slash + 1) + path;
}

bool CheckSecretFileMode(const std::string& path, std::string_view why, PermissionPolicy policy,
                         Diagnostics* diags) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return true;
  if ((st.st_mode & 077) == 0) return true;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  std::string msg =
      std::string(why) + " but group or others may read it (mode " + mode + "); chmod 600 it";
  if (policy == PermissionPolicy::kWarn) {
    diags->Warning(path, 0, msg);
    return true;
  }
  diags->Error(path, 0, msg + " (refused: secrets-permissions = refuse)");
  return false;
}

}  // namespace ikevpn::config
