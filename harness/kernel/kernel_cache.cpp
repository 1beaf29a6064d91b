#include "kernel/kernel_cache.h"

#include "core/fs.h"
#include "core/sha256.h"
#include "kernel/lock_file.h"

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
constexpr const char* kInfoFile = "image.json";
}

fs::path kernels_cache_dir(const fs::path& cache_dir) {
  return cache_dir / "kernels";
}

Result<fs::path> make_staging_dir(const fs::path& cache_dir) {
  return make_temp_dir(kernels_cache_dir(cache_dir), ".tmp-");
}

Result<void> write_entry_info(const fs::path& entry_dir, const CacheEntryInfo& i) {
  nlohmann::ordered_json j = {{"row", i.row},
                              {"origin", i.origin},
                              {"release", i.release},
                              {"deb_sha256", i.deb_sha256},
                              {"vmlinuz_sha256", i.vmlinuz_sha256},
                              {"config_sha256", i.config_sha256},
                              {"source_digest", i.source_digest}};
  return write_file_atomic(entry_dir / kInfoFile, j.dump(2) + "\n");
}

Result<CachedKernel> read_entry(const fs::path& entry_dir) {
  auto text = read_file(entry_dir / kInfoFile);
  if (!text) return text.error();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error{"image.json is not a JSON object", entry_dir.string()};
  CachedKernel k;
  k.dir = entry_dir;
  k.vmlinuz = entry_dir / "vmlinuz";
  k.config = entry_dir / "config";
  k.info.row = j.value("row", "");
  k.info.origin = j.value("origin", "");
  k.info.release = j.value("release", "");
  k.info.deb_sha256 = j.value("deb_sha256", "");
  k.info.vmlinuz_sha256 = j.value("vmlinuz_sha256", "");
  k.info.config_sha256 = j.value("config_sha256", "");
  k.info.source_digest = j.value("source_digest", "");
  std::error_code ec;
  k.vmlinuz_bytes = fs::file_size(k.vmlinuz, ec);
  if (ec) return Error{"vmlinuz missing: " + ec.message(), entry_dir.string()};
  return k;
}

std::optional<CachedKernel> lookup_cached(const fs::path& cache_dir, const std::string& sha256) {
  const fs::path dir = kernels_cache_dir(cache_dir) / sha256;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  auto entry = read_entry(dir);
  if (entry) {
    auto actual = sha256_file(entry->vmlinuz);
    if (actual && *actual == sha256) return *entry;
  }
  // Damaged (truncated by a bad disk, edited by hand): move it out of the way first so a
  // concurrent reader cannot pick it up half-deleted, then delete it.
  if (auto trash = make_staging_dir(cache_dir)) {
    ::rename(dir.c_str(), (*trash / "damaged").c_str());
    fs::remove_all(*trash, ec);
  }
  return std::nullopt;
}

Result<CachedKernel> commit_entry(const fs::path& cache_dir, const fs::path& staged,
                                  const std::string& sha256) {
  const fs::path dest = kernels_cache_dir(cache_dir) / sha256;
  std::error_code ec;
  // Staging dirs are private (0700) while being filled; a finished entry is ordinary data.
  fs::permissions(staged,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  fs::perm_options::replace, ec);
  if (::rename(staged.c_str(), dest.c_str()) != 0) {
    const int err = errno;
    if (err == EEXIST || err == ENOTEMPTY) {
      fs::remove_all(staged, ec);
      if (auto existing = lookup_cached(cache_dir, sha256)) return *existing;
      return Error{"cache entry appeared concurrently but is damaged", dest.string()};
    }
    return Error{"cannot move entry into the cache", dest.string(), err};
  }
  return read_entry(dest);
}

std::optional<CachedKernel> find_cached_by_source(const fs::path& cache_dir,
                                                  const std::string& source_digest) {
  if (source_digest.empty()) return std::nullopt;
  auto all = list_cached(cache_dir);
  if (!all) return std::nullopt;
  for (const auto& k : *all)
    if (k.info.source_digest == source_digest) return lookup_cached(cache_dir, k.dir.filename());
  return std::nullopt;
}

StagingDir::~StagingDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

Result<CachedKernel> commit_kernel_files(const fs::path& cache_dir, const fs::path& entry_dir,
                                         CacheEntryInfo info, const std::string& expected) {
  const std::string ctx = "kernel '" + info.row + "': " + info.origin;
  auto v = sha256_file(entry_dir / "vmlinuz");
  if (!v) return v.error().wrap(ctx);
  if (!expected.empty() && *v != expected)
    return Error{"vmlinuz sha256 mismatch: expected " + expected + ", got " + *v, ctx};
  info.vmlinuz_sha256 = *v;
  std::error_code ec;
  if (fs::exists(entry_dir / "config", ec)) {
    auto c = sha256_file(entry_dir / "config");
    if (!c) return c.error().wrap(ctx);
    info.config_sha256 = *c;
  }
  if (auto w = write_entry_info(entry_dir, info); !w) return w.error().wrap(ctx);
  auto committed = commit_entry(cache_dir, entry_dir, *v);
  if (!committed) return committed.error().wrap(ctx);
  return *committed;
}

Result<CachedKernel> stage_kernel(const fs::path& cache_dir, CacheEntryInfo info,
                                  const std::string& expected, const StageFill& fill) {
  const std::string ctx = "kernel '" + info.row + "'";
  auto staging = make_staging_dir(cache_dir);
  if (!staging) return staging.error().wrap(ctx);
  StagingDir guard(*staging);
  const fs::path scratch = guard.path() / "download", entry = guard.path() / "entry";
  std::error_code ec;
  fs::create_directory(scratch, ec);
  fs::create_directory(entry, ec);
  if (ec) return Error{"cannot create staging dirs: " + ec.message(), guard.path().string()};
  if (auto f = fill(scratch, entry, info); !f) return f.error();
  // The downloads (a .deb is 20-35 MB) are never needed again; only the entry is renamed.
  fs::remove_all(scratch, ec);
  return commit_kernel_files(cache_dir, entry, std::move(info), expected);
}

Result<CachedKernel> cache_kernel(const fs::path& cache_dir, CacheEntryInfo info,
                                  const std::string& expected, const KernelDownload& steps) {
  return stage_kernel(
      cache_dir, std::move(info), expected,
      [&](const fs::path& scratch, const fs::path& entry, CacheEntryInfo& i) -> Result<void> {
        const fs::path file = scratch / "file";
        if (auto d = steps.download(file); !d) return d.error();
        auto release = steps.extract(file, entry);
        if (!release) return release.error();
        i.release = *release;
        return {};
      });
}

Result<std::vector<CachedKernel>> list_cached(const fs::path& cache_dir) {
  std::vector<CachedKernel> out;
  const fs::path root = kernels_cache_dir(cache_dir);
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const auto name = e.path().filename().string();
    if (!e.is_directory() || !is_sha256_hex(name)) continue;
    if (auto k = read_entry(e.path())) out.push_back(std::move(*k));
  }
  if (ec) return Error{"cannot list cache: " + ec.message(), root.string()};
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.dir < b.dir; });
  return out;
}

Result<void> verify_cached(const CachedKernel& entry) {
  const std::string expected = entry.dir.filename().string();
  auto v = sha256_file(entry.vmlinuz);
  if (!v) return v.error();
  if (*v != expected)
    return Error{"vmlinuz sha256 mismatch: expected " + expected + ", got " + *v,
                 entry.dir.string()};
  if (!entry.info.config_sha256.empty()) {
    auto c = sha256_file(entry.config);
    if (!c) return c.error();
    if (*c != entry.info.config_sha256)
      return Error{"config sha256 mismatch: expected " + entry.info.config_sha256 + ", got " + *c,
                   entry.dir.string()};
  }
  return {};
}

} // namespace vmtest
