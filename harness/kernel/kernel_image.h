#pragma once
// The "kernel image" stage: turns a matrix row into a verified vmlinuz on local disk.
// Debian rows are downloaded through a private apt, checked against the lock, unpacked and
// cached by content; oci, rpm, url and build rows are fetched over HTTP (oci_source.h,
// rpm_source.h, url_source.h, build_source.h) into the same cache; `path` rows are used in
// place.
#include "core/process.h"
#include "core/result.h"
#include "kernel/env_vars.h"
#include "kernel/http_client.h"
#include "kernel/kernel_cache.h"
#include "kernel/lock_file.h"
#include "kernel/matrix.h"

#include <filesystem>
#include <functional>
#include <optional>
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
  HttpClient* http = nullptr; // oci, rpm, url and build downloads
  EnvLookup env = process_env; // $VMTEST_OCI_REGISTRY, ${VARS} in URLs
  int build_jobs = 2;          // make -j for build rows
};

// Why `row` cannot be fetched on this machine ("" when it can): an oci row without
// $VMTEST_OCI_REGISTRY, a URL naming an unset ${VAR}, a build row without a sha256. The
// controller skips such rows in a default run and names them with this text.
std::string unavailable_reason(const KernelRow& row, const EnvLookup& env = process_env);

KernelImage image_from_cache(const KernelRow& row, const CachedKernel& k, bool from_cache);

// The cache entry this row would use right now without any network access, if present
// (debian and oci rows by their pins, url/rpm/build rows by their input hash).
std::optional<CachedKernel> cached_kernel_for(const KernelRow& row,
                                              const std::filesystem::path& cache_dir);

// A cache hit (entry present and its vmlinuz matches the lock) runs no command at all.
// On any failure the cache is left exactly as it was.
Result<KernelImage> fetch_kernel(const KernelRow& row, const FetchContext& ctx);

// For `vmtest kernels lock`: refreshes the apt indices, picks the newest version of the row's
// package, downloads it, checks it against the (signed) index hash, and measures the vmlinuz.
// The kernel lands in the cache as a side effect, so the next fetch is a hit.
Result<DebPin> refresh_debian_pin(const KernelRow& row, const FetchContext& ctx);

} // namespace vmtest
