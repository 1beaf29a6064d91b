#pragma once
// The "kernel image" stage: turns a matrix row into a verified vmlinuz on local disk.
// Debian rows are downloaded through a private apt, checked against the lock, unpacked and
// cached by content; `path` rows are used in place. Other source kinds parse but are not
// fetchable yet, and say so by name.
#include "core/process.h"
#include "core/result.h"
#include "kernel/lock_file.h"
#include "kernel/matrix.h"

#include <filesystem>
#include <functional>
#include <string>

namespace vmtest {

struct KernelImage {
  std::string name;                      // matrix row
  std::filesystem::path vmlinuz, config; // config may be empty for `path` rows
  std::string sha256;                    // of vmlinuz
  std::string origin; // "linux-image-6.1.0-56-cloud-amd64 6.1.192-2", or "path <file>"
  bool from_cache = false;
};

struct FetchContext {
  std::filesystem::path cache_dir;             // usually default_cache_dir()
  CommandRunner* runner = nullptr;             // apt-get / apt-cache go through this
  std::function<void(const std::string&)> log; // progress lines; may be empty
  // Where the machine's mirror URIs are read from; tests point these at fixtures.
  std::filesystem::path apt_sources_dir = "/etc/apt/sources.list.d";
  std::filesystem::path apt_sources_list = "/etc/apt/sources.list";
};

// A cache hit (entry present and its vmlinuz matches the lock) runs no command at all.
// On any failure the cache is left exactly as it was.
Result<KernelImage> fetch_kernel(const KernelRow& row, const FetchContext& ctx);

// For `vmtest kernels lock`: refreshes the apt indices, picks the newest version of the row's
// package, downloads it, checks it against the (signed) index hash, and measures the vmlinuz.
// The kernel lands in the cache as a side effect, so the next fetch is a hit.
Result<DebPin> refresh_debian_pin(const KernelRow& row, const FetchContext& ctx);

} // namespace vmtest
