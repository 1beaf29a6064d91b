// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The on-disk kernel cache: <cache>/kernels/<vmlinuz sha256>/{vmlinuz,config,image.json}.
// Entries are named by content, so two rows (or two lock revisions) resolving to the same
// kernel share one entry, and an entry's name is also its integrity check. Entries are only
// ever created by renaming a finished staging directory into place, so a reader never sees
// half an entry; staging directories start with ".tmp-" and are ignored here.
//
// Content keys mean two different downloads (a bare bzImage and a tarball holding it, two
// mirrors' URLs) can yield one entry. image.json therefore records every source that fetched
// the entry ("sources"), and a lookup by source answers with that source's own row and origin,
// so each row's provenance stays its own. Keying by source instead would store the same
// kernel once per URL and lose the integrity check the directory name gives.
//
// Reading never changes the cache: a damaged entry is reported (lookup misses it, verify and
// scan_cache name it) and only replaced by a fetch that commits a good copy in its place.
// Writers serialise per entry with a lock file under <cache>/locks (cache_lock_path).
#include "core/file_lock.h"
#include "core/result.h"

#include <chrono>
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

// One source that fetched an entry, as recorded in image.json's "sources".
struct EntrySource {
  std::string row, origin, source_digest;
  bool operator==(const EntrySource&) const = default;
};

struct CachedKernel {
  std::filesystem::path dir, vmlinuz, config;
  CacheEntryInfo info;              // top-level fields; row/origin/source_digest are the
                                    // source this lookup was made for when one was named
  std::vector<EntrySource> sources; // every source that fetched it, first one first
  std::uintmax_t vmlinuz_bytes = 0;
  // Set by commit_entry when it replaced a damaged entry of the same name: why that one was
  // damaged. The fetch reports it once.
  std::string replaced_damaged;
};

// <cache>/locks/<name>.lock: the lock file every writer of one piece of shared cache state
// takes (FileLock) before touching it.
std::filesystem::path cache_lock_path(const std::filesystem::path& cache_dir,
                                      const std::string& name);

std::filesystem::path kernels_cache_dir(const std::filesystem::path& cache_dir);

// A fresh staging directory inside <cache>/kernels (same filesystem, so the final rename is
// atomic).
Result<std::filesystem::path> make_staging_dir(const std::filesystem::path& cache_dir);

// `sources` empty: one record made of info's row, origin and source_digest.
Result<void> write_entry_info(const std::filesystem::path& entry_dir, const CacheEntryInfo& info,
                              const std::vector<EntrySource>& sources = {});
Result<CachedKernel> read_entry(const std::filesystem::path& entry_dir);

// "" when the entry at `entry_dir` is sound (image.json readable, vmlinuz hashes to the
// directory's name); otherwise why not, in one line.
std::string entry_damage(const std::filesystem::path& entry_dir);

// The entry for `vmlinuz_sha256` if present AND its vmlinuz still hashes to that value. A
// damaged entry is a miss; it is left in place (inspect commands call this too).
std::optional<CachedKernel> lookup_cached(const std::filesystem::path& cache_dir,
                                          const std::string& vmlinuz_sha256);

// Renames a finished staging entry to <cache>/kernels/<sha256>. If a sound entry is already
// there (another row or process got there first), it wins, `staged` is removed and the staged
// source is added to its image.json. A damaged one is replaced (see replaced_damaged).
Result<CachedKernel> commit_entry(const std::filesystem::path& cache_dir,
                                  const std::filesystem::path& staged,
                                  const std::string& vmlinuz_sha256);

// The (verified) entry recorded as coming from `source_digest`, if any.
std::optional<CachedKernel> find_cached_by_source(const std::filesystem::path& cache_dir,
                                                  const std::string& source_digest);

// A staging directory that is removed on every exit path unless release()d (commit_entry
// renames it away, after which removal is a no-op).
// Its owner also holds a lock inside it (kStagingLock) for as long as it lives, so a later
// fetch can tell what a killed vmtest left behind (nobody holds the lock) from a fetch still
// running in another process.
class StagingDir {
public:
  explicit StagingDir(std::filesystem::path p);
  ~StagingDir();
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
  std::optional<FileLock> lock_;
};
inline constexpr const char* kStagingLock = ".staging.lock";
// How old a staging folder must be before a sweep looks at it: far longer than the moment
// between creating one and locking it.
inline constexpr std::chrono::seconds kStagingGrace{60};

// Staging folders under <cache>/kernels (".tmp-*") at least `min_age` old: what interrupted
// fetches left, or fetches still running. min_age covers the moment between creating a folder
// and locking it. Reading only.
struct StagingLeftover {
  std::filesystem::path path;
  std::uintmax_t bytes = 0;
};
std::vector<StagingLeftover> staging_leftovers(const std::filesystem::path& cache_dir,
                                               std::chrono::seconds min_age);

// Removes the leftovers nobody holds (an owner that was killed released its lock with its
// life); a fetch running elsewhere keeps its folder. Returns what was removed.
std::vector<StagingLeftover> sweep_staging_leftovers(const std::filesystem::path& cache_dir,
                                                     std::chrono::seconds min_age);

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

// Everything under <cache>/kernels except staging directories, sorted by name: each either a
// readable entry or the reason it is not one (no image.json, not a directory, a symlink
// loop, a name that is no sha256). Never throws on a hostile tree.
struct CacheSlot {
  std::filesystem::path path;
  std::optional<CachedKernel> entry; // set when image.json and vmlinuz could be read
  std::string damage;                // set when `entry` is not
};
Result<std::vector<CacheSlot>> scan_cache(const std::filesystem::path& cache_dir);

// Every readable entry, sorted by directory name (scan_cache without the damaged ones).
Result<std::vector<CachedKernel>> list_cached(const std::filesystem::path& cache_dir);

// Re-hashes vmlinuz (against the directory name) and config (against image.json).
Result<void> verify_cached(const CachedKernel& entry);

} // namespace vmtest
