#pragma once
// The on-disk kernel cache: <cache>/kernels/<vmlinuz sha256>/{vmlinuz,config,image.json}.
// Entries are named by content, so two rows (or two lock revisions) resolving to the same
// kernel share one entry, and an entry's name is also its integrity check. Entries are only
// ever created by renaming a finished staging directory into place, so a reader never sees
// half an entry; staging directories start with ".tmp-" and are ignored here.
#include "core/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vmtest {

// What image.json records about where an entry came from.
struct CacheEntryInfo {
  std::string row;            // matrix row that first fetched it, e.g. "6.1"
  std::string origin;         // "linux-image-6.1.0-56-cloud-amd64 6.1.192-2"
  std::string release;        // "6.1.0-56-cloud-amd64"
  std::string deb_sha256;     // the package it was extracted from
  std::string vmlinuz_sha256; // equals the entry's directory name
  std::string config_sha256;
  // What the kernel was obtained from, for sources whose vmlinuz hash is not known before
  // downloading: the OCI manifest digest, or "sha256:<hex>" of a url/rpm download or a
  // build's inputs. Lets a pinned row hit the cache without touching the network.
  std::string source_digest;
};

struct CachedKernel {
  std::filesystem::path dir, vmlinuz, config;
  CacheEntryInfo info;
  std::uintmax_t vmlinuz_bytes = 0;
};

std::filesystem::path kernels_cache_dir(const std::filesystem::path& cache_dir);

// A fresh staging directory inside <cache>/kernels (same filesystem, so the final rename is
// atomic).
Result<std::filesystem::path> make_staging_dir(const std::filesystem::path& cache_dir);

Result<void> write_entry_info(const std::filesystem::path& entry_dir, const CacheEntryInfo& info);
Result<CachedKernel> read_entry(const std::filesystem::path& entry_dir);

// The entry for `vmlinuz_sha256` if present AND its vmlinuz still hashes to that value. A
// damaged entry is removed (it can only cause wrong verdicts) and reported as a miss.
std::optional<CachedKernel> lookup_cached(const std::filesystem::path& cache_dir,
                                          const std::string& vmlinuz_sha256);

// Renames a finished staging entry to <cache>/kernels/<sha256>. If another process got there
// first, the existing entry wins and `staged` is removed.
Result<CachedKernel> commit_entry(const std::filesystem::path& cache_dir,
                                  const std::filesystem::path& staged,
                                  const std::string& vmlinuz_sha256);

// The (verified) entry recorded as coming from `source_digest`, if any.
std::optional<CachedKernel> find_cached_by_source(const std::filesystem::path& cache_dir,
                                                  const std::string& source_digest);

// A staging directory that is removed on every exit path unless release()d (commit_entry
// renames it away, after which removal is a no-op).
class StagingDir {
public:
  explicit StagingDir(std::filesystem::path p) : path_(std::move(p)) {}
  ~StagingDir();
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

// Hashes entry_dir/vmlinuz (and entry_dir/config when present), checks the vmlinuz against
// `expected_vmlinuz_sha256` when that is non-empty, writes image.json and commits the entry.
// `info` supplies row, origin, release and source_digest; the hashes are filled in here.
Result<CachedKernel> commit_kernel_files(const std::filesystem::path& cache_dir,
                                         const std::filesystem::path& entry_dir,
                                         CacheEntryInfo info,
                                         const std::string& expected_vmlinuz_sha256);

// The steps every fetched kernel goes through, kept in one place. A private staging directory
// is made inside the cache; `fill` gets a scratch directory for downloads and the entry
// directory, where it must leave `vmlinuz` (and `config` when the source has one) and may set
// info.release. Then commit_kernel_files hashes, checks, describes and renames the entry into
// place. On any failure the staging directory is removed and the cache is exactly as before.
using StageFill =
    std::function<Result<void>(const std::filesystem::path& scratch,
                               const std::filesystem::path& entry, CacheEntryInfo& info)>;
Result<CachedKernel> stage_kernel(const std::filesystem::path& cache_dir, CacheEntryInfo info,
                                  const std::string& expected_vmlinuz_sha256,
                                  const StageFill& fill);

// download -> verify -> extract -> commit, for sources that fetch one file (a .deb, an RPM, a
// tarball, a bare bzImage). `download` writes the file to its argument and must check its
// hash before returning (nothing opens unverified bytes); `extract` then writes vmlinuz and
// config into the entry directory and returns the kernel release ("" when unknown).
struct KernelDownload {
  std::function<Result<void>(const std::filesystem::path& file)> download;
  std::function<Result<std::string>(const std::filesystem::path& file,
                                    const std::filesystem::path& entry)>
      extract;
};
Result<CachedKernel> cache_kernel(const std::filesystem::path& cache_dir, CacheEntryInfo info,
                                  const std::string& expected_vmlinuz_sha256,
                                  const KernelDownload& steps);

// Every complete entry, sorted by directory name. Unreadable entries are skipped, not fatal:
// listing is for humans and `verify_cached` reports the damage.
Result<std::vector<CachedKernel>> list_cached(const std::filesystem::path& cache_dir);

// Re-hashes vmlinuz (against the directory name) and config (against image.json).
Result<void> verify_cached(const CachedKernel& entry);

} // namespace vmtest
