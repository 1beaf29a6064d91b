// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vmtest {
namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno_error("cannot open", path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return errno_error("read failed", path.string());
  return ss.str();
}

namespace {

Result<void> write_all(int fd, std::string_view data, const fs::path& path) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("write failed", path.string());
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

Result<void> write_file_atomic(const fs::path& path, std::string_view data,
                               Durability durability) {
  std::error_code ec;
  // `-o /dev/null` or a FIFO: write through it. Renaming a temp file over it would replace
  // the device node with a plain file (and break every program that writes to /dev/null).
  auto st = fs::status(path, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st)) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno_error("cannot open", path.string());
    auto w = write_all(fd, data, path);
    ::close(fd);
    return w;
  }
  ec.clear();
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) return Error{"cannot create directory: " + ec.message(), path.parent_path().string()};
  std::string tmpl = (path.has_parent_path() ? path.parent_path() / ".tmp-XXXXXX" : fs::path(".tmp-XXXXXX")).string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return errno_error("cannot create temp file", path.string());
  if (auto w = write_all(fd, data, path); !w) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return w.error();
  }
  ::fchmod(fd, 0644);  // mkstemp creates 0600; kept files should be readable like any other
  // fsync before rename: otherwise a power loss can leave an empty file under the final name.
  if ((durability == Durability::Synced && ::fsync(fd) != 0) || ::close(fd) != 0) {
    Error e = errno_error("flush failed", path.string());
    ::unlink(tmpl.c_str());
    return e;
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    Error e = errno_error("rename failed", path.string());
    ::unlink(tmpl.c_str());
    return e;
  }
  return {};
}

Result<void> rename_into_place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (to.has_parent_path()) fs::create_directories(to.parent_path(), ec);
  if (::rename(from.c_str(), to.c_str()) != 0) return errno_error("rename failed", to.string());
  return {};
}

Result<fs::path> make_temp_dir(const fs::path& parent, std::string_view prefix) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return Error{"cannot create directory: " + ec.message(), parent.string()};
  std::string tmpl = (parent / (std::string(prefix) + "XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) return errno_error("cannot create temp dir", parent.string());
  return fs::path(tmpl);
}

fs::path default_cache_dir() {
  if (const char* c = std::getenv("VMTEST_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "vmtest";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "vmtest";
  return fs::temp_directory_path() / "vmtest-cache";
}

}  // namespace vmtest
