// SPDX-License-Identifier: BSD-2-Clause
#include "core/file_lock.h"

#include "core/cancel.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

Result<int> open_lock_file(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) return Error{"cannot create directory: " + ec.message(), path.parent_path().string()};
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0) return errno_error("cannot open lock file", path.string());
  return fd;
}

// Best effort: the pid only makes the waiting message more useful.
void record_holder(int fd) {
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
}

int lock_nonblocking(int fd) {
  int r;
  do
    r = ::flock(fd, LOCK_EX | LOCK_NB);
  while (r != 0 && errno == EINTR);
  return r == 0 ? 0 : errno;
}

std::string held_by(const fs::path& path) {
  const std::string pid = lock_holder(path);
  return pid.empty() ? "another vmtest" : "another vmtest (pid " + pid + ")";
}

} // namespace

Result<FileLock> FileLock::acquire(const fs::path& path, const std::string& what,
                                   const std::function<void(const std::string&)>& say) {
  auto fd = open_lock_file(path);
  if (!fd) return fd.error();
  int err = lock_nonblocking(*fd);
  if (err == EWOULDBLOCK) {
    if (say)
      say("waiting for " + held_by(path) + " to finish with " + what + " (" + path.string() + ")");
    // Polled rather than a blocking flock: cancellation signals are handled by a thread of
    // their own (core/cancel.h), so a blocked flock would never see them and an interrupted
    // run would wait for the other vmtest to finish.
    while ((err = lock_nonblocking(*fd)) == EWOULDBLOCK && !cancelled())
      ::usleep(50 * 1000);
  }
  if (err == EWOULDBLOCK) {
    ::close(*fd);
    return Error{"stopped waiting for " + what + ": " + cancel_reason(), path.string()};
  }
  if (err != 0) {
    ::close(*fd);
    return Error{"cannot lock " + what, path.string(), err};
  }
  record_holder(*fd);
  return FileLock(*fd, path);
}

Result<FileLock> FileLock::try_acquire(const fs::path& path, const std::string& what) {
  auto fd = open_lock_file(path);
  if (!fd) return fd.error();
  const int err = lock_nonblocking(*fd);
  if (err != 0) {
    ::close(*fd);
    if (err == EWOULDBLOCK) return Error{what + " is in use by " + held_by(path), path.string()};
    return Error{"cannot lock " + what, path.string(), err};
  }
  record_holder(*fd);
  return FileLock(*fd, path);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_); // closing the last descriptor releases the flock
}

std::string lock_holder(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return {};
  char buf[32];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  std::string s = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  for (char c : s)
    if (c < '0' || c > '9') return {};
  return s;
}

} // namespace vmtest
