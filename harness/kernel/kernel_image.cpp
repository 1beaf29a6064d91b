// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/kernel_image.h"

#include "core/file_lock.h"
#include "core/sha256.h"

#include <optional>

namespace vmtest {

namespace {
KernelImage tagged(KernelImage img, const KernelSource& src) {
  img.source_kind = src.kind();
  img.source_description = src.describe();
  return img;
}
// Two vmtest processes sharing a cache must not fetch the same kernel at once: both would run
// apt in one private state dir (apt refuses the second: "Could not get lock") or download the
// same bytes twice. The lock is per source (what it fetches and its pin), so different kernels
// still download side by side; the waiter re-checks the cache once it holds the lock and
// normally finds the other process's entry there.
std::filesystem::path fetch_lock(const KernelSource& src, const FetchContext& ctx) {
  const std::string id = src.kind() + "\n" + src.describe() + "\n" + src.pin_summary();
  return cache_lock_path(ctx.cache_dir, "fetch-" + sha256_hex(id).substr(0, 24));
}

Result<KernelImage> fetch_locked(const KernelSource& src, const FetchContext& ctx) {
  std::optional<FileLock> lock;
  if (!ctx.cache_dir.empty()) { // no cache dir: nothing shared to protect
    auto l =
        FileLock::acquire(fetch_lock(src, ctx), "kernel '" + src.row() + "' (" + src.kind() + ")",
                          [&](const std::string& line) {
                            if (ctx.log) ctx.log(line);
                          });
    if (!l) return l.error().wrap("kernel '" + src.row() + "'");
    lock.emplace(std::move(*l));
    // Whoever held the lock was most likely fetching this very kernel.
    if (auto hit = src.cached(ctx)) return *hit;
  }
  auto img = src.fetch(ctx);
  if (img && !img->replaced_damaged.empty() && ctx.log)
    ctx.log("kernel '" + src.row() + "': replaced a damaged cache entry (" + img->replaced_damaged +
            ")");
  return img;
}
} // namespace

RowFetch fetch_row(const KernelRow& row, const FetchContext& ctx) {
  RowFetch out;
  std::string reasons;
  for (const auto& s : row.sources) {
    const KernelSource& src = *s;
    if (auto hit = src.cached(ctx)) {
      out.status = FetchStatus::fetched;
      out.image = tagged(*hit, src);
      return out;
    }
    if (auto why = src.unavailable_reason(ctx); !why.empty()) {
      // Said only if no later source works: then it is the row's one line.
      reasons += (reasons.empty() ? "" : "; ") + src.kind() + ": " + why;
      continue;
    }
    auto img = fetch_locked(src, ctx);
    if (!img) {
      out.status = FetchStatus::failed;
      out.error = img.error();
      return out;
    }
    out.status = FetchStatus::fetched;
    out.image = tagged(*img, src);
    return out;
  }
  out.status = FetchStatus::unavailable;
  out.reason = "not available here: " + reasons;
  return out;
}

std::optional<KernelImage> cached_image_for(const KernelRow& row, const FetchContext& ctx) {
  for (const auto& src : row.sources)
    if (auto hit = src->cached(ctx)) return tagged(*hit, *src);
  return std::nullopt;
}

} // namespace vmtest
