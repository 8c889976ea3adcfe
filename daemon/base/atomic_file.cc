#include "daemon/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ikevpn {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the error (close can report a failed write-back).
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("writing " + path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status WriteSyncedTemp(const std::string& path, std::string_view content, unsigned mode) {
  const std::string tmp = path + ".tmp";
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (fd.get() < 0) return ErrnoStatus("creating " + tmp, errno);
  if (Status s = WriteAll(fd.get(), content, tmp); !s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  if (::fsync(fd.get()) != 0 || fd.Close() != 0) {
    Status s = ErrnoStatus("syncing " + tmp, errno);
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

Status CommitTemp(const std::string& path) {
  const std::string tmp = path + ".tmp";
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = ErrnoStatus("renaming " + tmp + " to " + path, errno);
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename itself must reach the disk, or a crash may bring back the old name.
  const std::string dir = DirOf(path);
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) return ErrnoStatus("syncing directory " + dir, errno);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view content, unsigned mode) {
  IKEVPN_RETURN_IF_ERROR(WriteSyncedTemp(path, content, mode));
  return CommitTemp(path);
}

Status AppendDurably(int fd, std::string_view data, const std::string& path) {
  IKEVPN_RETURN_IF_ERROR(WriteAll(fd, data, path));
  if (::fdatasync(fd) != 0) return ErrnoStatus("syncing " + path, errno);
  return Status::Ok();
}

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ENOENT) return Status(Code::kNotFound, path + " does not exist");
    return ErrnoStatus("opening " + path, err);
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("reading " + path, errno);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return Status(Code::kInvalidArgument, path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace ikevpn
