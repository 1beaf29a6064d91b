#include "kernel/url_source.h"

#include "kernel/archive_kernel.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

Result<KernelImage> fetch_url(const KernelRow& row, const UrlSource& src, const FetchContext& ctx) {
  const std::string rctx = "kernel '" + row.name + "'";
  const std::string source_digest = "sha256:" + src.sha256;
  if (auto hit = find_cached_by_source(ctx.cache_dir, source_digest))
    return image_from_cache(row, *hit, /*from_cache=*/true);
  if (!ctx.http) return Error{"no HTTP client to download with", rctx};
  auto url = expand_env_vars(src.url, ctx.env);
  if (!url) return url.error().wrap(rctx);
  if (ctx.log) ctx.log(rctx + ": downloading " + src.url);

  auto staging = make_staging_dir(ctx.cache_dir);
  if (!staging) return staging.error().wrap(rctx);
  StagingDir guard(*staging);
  const fs::path dl = guard.path() / "download", entry = guard.path() / "entry";
  std::error_code ec;
  fs::create_directory(entry, ec);
  if (ec) return Error{"cannot create staging dir: " + ec.message(), entry.string()};

  if (auto d = download_verified(*ctx.http, *url, dl, src.sha256); !d) return d.error().wrap(rctx);

  std::string release;
  if (looks_like_bzimage(dl)) {
    fs::rename(dl, entry / "vmlinuz", ec);
    if (ec) return Error{"cannot move download: " + ec.message(), dl.string()};
  } else {
    auto k = extract_kernel_from_archive(dl, entry, match_tarball_kernel_path);
    if (!k) return k.error().wrap(rctx + ": " + *url);
    if (!k->found_vmlinuz)
      return Error{"no kernel in the download (neither a bzImage nor an archive holding "
                   "boot/vmlinuz-* or bzImage)",
                   rctx + ": " + *url};
    release = k->release;
    fs::remove(dl, ec);
  }
  // The unexpanded URL goes into image.json and results: it must not carry a mirror host.
  CacheEntryInfo info;
  info.row = row.name;
  info.origin = "url " + src.url;
  info.release = release;
  info.source_digest = source_digest;
  auto committed = commit_kernel_files(ctx.cache_dir, entry, info, "");
  if (!committed) return committed.error();
  return image_from_cache(row, *committed, /*from_cache=*/false);
}

} // namespace vmtest
