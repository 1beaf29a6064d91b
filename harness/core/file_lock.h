// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Cross-process locks on lock files (flock(2)). Several `vmtest` processes may share one cache
// (two CI jobs on one runner, a developer's shell and an editor's test task); every writer of
// shared state (a kernel cache entry, the private apt state, an output folder) takes one of
// these first. flock is released by the kernel when the holder exits, however it exits, so a
// killed vmtest never leaves a stale lock behind. The lock file itself is never deleted:
// unlinking it while another process waits on it would let a third process lock a new file of
// the same name, and two holders would each believe they are alone.
#include "core/result.h"

#include <filesystem>
#include <functional>
#include <string>

namespace vmtest {

class FileLock {
public:
  // Takes the exclusive lock on `path` (created, with its folder, when missing). When another
  // process holds it, `say` is called once with a line naming `what`, the lock file and the
  // holder's pid, and the call blocks until the lock is free.
  static Result<FileLock> acquire(const std::filesystem::path& path, const std::string& what,
                                  const std::function<void(const std::string&)>& say);
  // Takes the lock only if it is free now; otherwise an error naming `what` and the holder.
  static Result<FileLock> try_acquire(const std::filesystem::path& path, const std::string& what);

  FileLock(FileLock&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

  const std::filesystem::path& path() const { return path_; }

private:
  FileLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

// The pid recorded in a lock file by its last holder ("" when none): for messages only, since
// the holder may have exited since.
std::string lock_holder(const std::filesystem::path& path);

} // namespace vmtest
