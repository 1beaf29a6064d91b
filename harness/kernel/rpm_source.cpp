#include "kernel/rpm_source.h"

#include "core/sha256.h"
#include "kernel/archive_kernel.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

Result<KernelImage> fetch_rpm(const KernelRow& row, const RpmSource& src, const FetchContext& ctx) {
  const std::string rctx = "kernel '" + row.name + "'";
  const std::string source_digest = "sha256:" + src.sha256;
  if (auto hit = find_cached_by_source(ctx.cache_dir, source_digest))
    return image_from_cache(row, *hit, /*from_cache=*/true);

  auto staging = make_staging_dir(ctx.cache_dir);
  if (!staging) return staging.error().wrap(rctx);
  StagingDir guard(*staging);
  const fs::path entry = guard.path() / "entry";
  std::error_code ec;
  fs::create_directory(entry, ec);
  if (ec) return Error{"cannot create staging dir: " + ec.message(), entry.string()};

  fs::path rpm = src.path;
  std::string shown = src.path.string();
  if (!src.url.empty()) {
    if (!ctx.http) return Error{"no HTTP client to download with", rctx};
    auto url = expand_env_vars(src.url, ctx.env);
    if (!url) return url.error().wrap(rctx);
    if (ctx.log) ctx.log(rctx + ": downloading " + src.url);
    rpm = guard.path() / "kernel.rpm";
    shown = src.url;
    if (auto d = download_verified(*ctx.http, *url, rpm, src.sha256); !d)
      return d.error().wrap(rctx);
  } else {
    // Hash before opening: libarchive never sees bytes the matrix does not vouch for.
    auto actual = sha256_file(rpm);
    if (!actual) return actual.error().wrap(rctx);
    if (*actual != src.sha256)
      return Error{"sha256 mismatch: expected " + src.sha256 + ", got " + *actual,
                   rctx + ": " + rpm.string()};
  }

  auto k = extract_kernel_from_archive(rpm, entry, match_rpm_kernel_path);
  if (!k) return k.error().wrap(rctx);
  if (!k->found_vmlinuz)
    return Error{"no lib/modules/<release>/vmlinuz in the RPM (is it a kernel-core package?)",
                 rctx + ": " + shown};
  CacheEntryInfo info;
  info.row = row.name;
  info.origin = "rpm " + shown;
  info.release = k->release;
  info.source_digest = source_digest;
  auto committed = commit_kernel_files(ctx.cache_dir, entry, info, "");
  if (!committed) return committed.error();
  return image_from_cache(row, *committed, /*from_cache=*/false);
}

} // namespace vmtest
