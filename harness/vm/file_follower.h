// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Follows a file another process appends to (qemu's -serial file:), returning only what is new.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

namespace vmtest {

// Follows a file that another process appends to (qemu's serial port file).
class FileFollower {
 public:
  explicit FileFollower(std::filesystem::path path) : path_(std::move(path)) {}
  ~FileFollower() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  // Whatever was appended since the last call; empty if nothing (or no file yet).
  std::string read_new() {
    if (fd_ < 0) {
      fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) return {};
    }
    std::string out;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      break;
    }
    return out;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace vmtest
