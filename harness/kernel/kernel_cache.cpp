// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/kernel_cache.h"

#include "core/file_lock.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "kernel/lock_file.h"
#include "results/byte_text.h"
#include "results/json_read.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
constexpr const char* kInfoFile = "image.json";

// A field of image.json that must be a string; anything else (a hand edit, a truncated write
// by an old version) reads as "" instead of throwing out of an inspect command.
std::string str_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

EntrySource record_of(const CacheEntryInfo& i) {
  return {i.row, i.origin, i.source_digest};
}

// The entry as seen by one of its recorded sources: that source's row and origin.
CachedKernel seen_by(CachedKernel k, const EntrySource& s) {
  k.info.row = s.row;
  k.info.origin = s.origin;
  k.info.source_digest = s.source_digest;
  return k;
}

// One line for an entry's damage: what went wrong (the entry's path is said by the caller).
std::string reason_of(const Error& e) {
  return e.sys_errno ? e.what + " (" + std::strerror(e.sys_errno) + ")" : e.what;
}

void say_on_stderr(const std::string& line) {
  std::fprintf(stderr, "vmtest: %s\n", line.c_str());
}

// Moves `dir` out of the cache's namespace in one rename (so no reader ever sees it half
// deleted), then deletes it.
void discard(const fs::path& cache_dir, const fs::path& dir) {
  std::error_code ec;
  if (auto trash = make_staging_dir(cache_dir)) {
    if (::rename(dir.c_str(), (*trash / "damaged").c_str()) != 0) fs::remove_all(dir, ec);
    fs::remove_all(*trash, ec);
  }
}
} // namespace

fs::path kernels_cache_dir(const fs::path& cache_dir) {
  return cache_dir / "kernels";
}

fs::path cache_lock_path(const fs::path& cache_dir, const std::string& name) {
  return cache_dir / "locks" / (name + ".lock");
}

Result<fs::path> make_staging_dir(const fs::path& cache_dir) {
  return make_temp_dir(kernels_cache_dir(cache_dir), ".tmp-");
}

Result<void> write_entry_info(const fs::path& entry_dir, const CacheEntryInfo& i,
                              const std::vector<EntrySource>& sources) {
  nlohmann::ordered_json recs = nlohmann::ordered_json::array();
  for (const auto& s : sources.empty() ? std::vector<EntrySource>{record_of(i)} : sources)
    recs.push_back({{"row", s.row}, {"origin", s.origin}, {"source_digest", s.source_digest}});
  nlohmann::ordered_json j = {{"row", i.row},
                              {"origin", i.origin},
                              {"release", i.release},
                              {"deb_sha256", i.deb_sha256},
                              {"vmlinuz_sha256", i.vmlinuz_sha256},
                              {"config_sha256", i.config_sha256},
                              {"source_digest", i.source_digest},
                              {"sources", recs}};
  return write_file_atomic(entry_dir / kInfoFile, dump_json(j, 2) + "\n");
}

Result<CachedKernel> read_entry(const fs::path& entry_dir) {
  auto text = read_file(entry_dir / kInfoFile);
  if (!text) return Error{"no readable image.json", entry_dir.string(), text.error().sys_errno};
  auto parsed = json_read::parse(*text); // depth-limited: the cache is a file like any other
  if (!parsed || !parsed->is_object())
    return Error{"image.json is not a JSON object", entry_dir.string()};
  const nlohmann::json& j = *parsed;
  CachedKernel k;
  k.dir = entry_dir;
  k.vmlinuz = entry_dir / "vmlinuz";
  k.config = entry_dir / "config";
  k.info.row = str_field(j, "row");
  k.info.origin = str_field(j, "origin");
  k.info.release = str_field(j, "release");
  k.info.deb_sha256 = str_field(j, "deb_sha256");
  k.info.vmlinuz_sha256 = str_field(j, "vmlinuz_sha256");
  k.info.config_sha256 = str_field(j, "config_sha256");
  k.info.source_digest = str_field(j, "source_digest");
  if (auto it = j.find("sources"); it != j.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_object())
        k.sources.push_back(
            {str_field(s, "row"), str_field(s, "origin"), str_field(s, "source_digest")});
  // Entries written before "sources" existed name their one source at the top level.
  if (k.sources.empty()) k.sources.push_back(record_of(k.info));
  std::error_code ec;
  k.vmlinuz_bytes = fs::file_size(k.vmlinuz, ec);
  if (ec) return Error{"vmlinuz missing: " + ec.message(), entry_dir.string()};
  return k;
}

std::string entry_damage(const fs::path& entry_dir) {
  auto entry = read_entry(entry_dir);
  if (!entry) return reason_of(entry.error());
  auto v = verify_cached(*entry);
  return v ? std::string() : v.error().what;
}

std::optional<CachedKernel> lookup_cached(const fs::path& cache_dir, const std::string& sha256) {
  const fs::path dir = kernels_cache_dir(cache_dir) / sha256;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  auto entry = read_entry(dir);
  if (!entry) return std::nullopt;
  auto actual = sha256_file(entry->vmlinuz);
  if (actual && *actual == sha256) return *entry;
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
  // Every change to an existing entry (adding a source, replacing a damaged one) happens under
  // the entry's lock; the plain rename of a new entry needs none (rename is atomic).
  auto lock = FileLock::acquire(cache_lock_path(cache_dir, "entry-" + sha256),
                                "cache entry " + sha256.substr(0, 12), say_on_stderr);
  if (!lock) return lock.error();
  std::string replaced;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::rename(staged.c_str(), dest.c_str()) == 0) {
      auto k = read_entry(dest);
      if (k) k->replaced_damaged = replaced;
      return k;
    }
    const int err = errno;
    if (err != EEXIST && err != ENOTEMPTY && err != ENOTDIR)
      return Error{"cannot move entry into the cache", dest.string(), err};
    if (auto existing = lookup_cached(cache_dir, sha256)) {
      auto staged_info = read_entry(staged);
      fs::remove_all(staged, ec);
      if (!staged_info) return *existing;
      const EntrySource mine = record_of(staged_info->info);
      if (std::find(existing->sources.begin(), existing->sources.end(), mine) ==
          existing->sources.end()) {
        existing->sources.push_back(mine);
        if (auto w = write_entry_info(dest, existing->info, existing->sources); !w)
          return w.error().wrap("cannot record a second source of the cache entry");
      }
      return seen_by(*existing, mine);
    }
    replaced = entry_damage(dest);
    if (replaced.empty()) replaced = "not a cache entry";
    discard(cache_dir, dest);
  }
  return Error{"cannot replace the damaged cache entry", dest.string()};
}

std::optional<CachedKernel> find_cached_by_source(const fs::path& cache_dir,
                                                  const std::string& source_digest) {
  if (source_digest.empty()) return std::nullopt;
  auto all = list_cached(cache_dir);
  if (!all) return std::nullopt;
  for (const auto& k : *all)
    for (const auto& s : k.sources)
      if (s.source_digest == source_digest) {
        auto hit = lookup_cached(cache_dir, k.dir.filename());
        if (hit) return seen_by(*hit, s);
      }
  return std::nullopt;
}

StagingDir::StagingDir(fs::path p) : path_(std::move(p)) {
  // A fresh folder of our own: nobody else can hold this lock yet.
  if (auto l = FileLock::try_acquire(path_ / kStagingLock, "staging folder"))
    lock_.emplace(std::move(*l));
}

StagingDir::~StagingDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

namespace {
std::uintmax_t tree_bytes(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    std::error_code fe;
    if (it->is_regular_file(fe)) total += it->file_size(fe);
  }
  return total;
}
} // namespace

std::vector<StagingLeftover> staging_leftovers(const fs::path& cache_dir,
                                               std::chrono::seconds min_age) {
  std::vector<StagingLeftover> out;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(kernels_cache_dir(cache_dir), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (!it->path().filename().string().starts_with(".tmp-")) continue;
    std::error_code te;
    if (!it->is_directory(te) || it->is_symlink(te)) continue;
    const auto written = fs::last_write_time(it->path(), te);
    if (te || now - written < min_age) continue;
    out.push_back({it->path(), tree_bytes(it->path())});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

std::vector<StagingLeftover> sweep_staging_leftovers(const fs::path& cache_dir,
                                                     std::chrono::seconds min_age) {
  std::vector<StagingLeftover> removed;
  for (auto& l : staging_leftovers(cache_dir, min_age)) {
    // Only a folder whose owner is gone: its lock file is there and free. One without a lock
    // file was never a StagingDir's (a discard's trash) or lost it; old enough, it is garbage.
    const fs::path lock = l.path / kStagingLock;
    std::error_code ec;
    if (fs::exists(lock, ec)) {
      auto held = FileLock::try_acquire(lock, "staging folder");
      if (!held) continue; // a fetch in another process is still using it
    }
    fs::remove_all(l.path, ec);
    if (!ec) removed.push_back(std::move(l));
  }
  return removed;
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
  // A vmtest killed while fetching leaves its staging folder (tens of MB); the next fetch
  // clears what no live process holds.
  if (auto gone = sweep_staging_leftovers(cache_dir, kStagingGrace); !gone.empty()) {
    std::uintmax_t bytes = 0;
    for (const auto& g : gone)
      bytes += g.bytes;
    say_on_stderr("removed " + std::to_string(gone.size()) +
                  " staging folder(s) left by an interrupted fetch (" +
                  std::to_string(bytes / (1024 * 1024)) + " MiB) from " +
                  kernels_cache_dir(cache_dir).string());
  }
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

Result<std::vector<CacheSlot>> scan_cache(const fs::path& cache_dir) {
  std::vector<CacheSlot> out;
  const fs::path root = kernels_cache_dir(cache_dir);
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  fs::directory_iterator it(root, ec);
  if (ec) return Error{"cannot list cache: " + ec.message(), root.string()};
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return Error{"cannot list cache: " + ec.message(), root.string()};
    const fs::path p = it->path();
    const std::string name = p.filename().string();
    if (name.starts_with(".tmp-")) continue; // a fetch in progress, or a crashed one's leftovers
    CacheSlot slot;
    slot.path = p;
    std::error_code st_ec;
    const auto st = fs::status(p, st_ec); // follows symlinks; ELOOP lands in st_ec
    if (st_ec)
      slot.damage = "cannot reach it: " + st_ec.message();
    else if (!fs::is_directory(st))
      slot.damage = "not a directory";
    else if (!is_sha256_hex(name))
      slot.damage = "name is not a vmlinuz sha256";
    else if (auto k = read_entry(p))
      slot.entry = std::move(*k);
    else
      slot.damage = reason_of(k.error());
    out.push_back(std::move(slot));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

Result<std::vector<CachedKernel>> list_cached(const fs::path& cache_dir) {
  auto slots = scan_cache(cache_dir);
  if (!slots) return slots.error();
  std::vector<CachedKernel> out;
  for (auto& s : *slots)
    if (s.entry) out.push_back(std::move(*s.entry));
  return out;
}

Result<void> verify_cached(const CachedKernel& entry) {
  const std::string expected = entry.dir.filename().string();
  // An entry holds exactly what a fetch commits; anything else was put there by hand or by
  // something that is not vmtest, and a verify that re-hashes only the kernel would miss it.
  std::error_code ec;
  for (fs::directory_iterator it(entry.dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name == "vmlinuz" || name == "config" || name == kInfoFile) continue;
    return Error{"unexpected file '" + name +
                     "' in the cache entry (an entry holds only vmlinuz, "
                     "config and " +
                     std::string(kInfoFile) + "); remove it or the entry",
                 entry.dir.string()};
  }
  if (ec) return Error{"cannot list the cache entry: " + ec.message(), entry.dir.string()};
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
