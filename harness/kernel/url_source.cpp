// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/url_source.h"

#include "kernel/archive_kernel.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

std::string remote_unavailable_reason(const FetchContext& ctx, const std::string& kind,
                                      const std::string& url) {
  auto missing = missing_env_vars(url, ctx.env);
  if (!missing.empty()) return "set $" + missing.front() + " (the " + kind + " URL is " + url + ")";
  auto expanded = expand_env_vars(url, ctx.env);
  if (!expanded) return expanded.error().what;
  return unreachable_reason(ctx, *expanded);
}

// The unexpanded URL goes into image.json and results: it must not carry a mirror host.
std::string UrlSource::origin() const {
  return "url " + url_;
}

UrlSource::UrlSource(std::string row, std::string url, std::string sha256)
    : KernelSource(std::move(row)), url_(std::move(url)), sha256_(std::move(sha256)) {}

std::unique_ptr<KernelSource> UrlSource::parse(const SourceSpec& spec) {
  spec.only_keys({"url", "sha256"});
  auto s = std::make_unique<UrlSource>(spec.row, spec.str("url"), spec.str("sha256"));
  spec.check_sha256(s->sha256_, "sha256");
  return s;
}

std::optional<KernelImage> UrlSource::cached(const FetchContext& ctx) const {
  // The entry may have been fetched by another row from another URL serving the same bytes
  // (the sha256 pins them): this row's provenance is its own URL all the same.
  if (auto hit = find_cached_by_source(ctx.cache_dir, "sha256:" + sha256_)) {
    hit->info.origin = origin();
    return image_from_cache(row(), *hit, /*from_cache=*/true);
  }
  return std::nullopt;
}

std::string UrlSource::unavailable_reason(const FetchContext& ctx) const {
  return remote_unavailable_reason(ctx, kind(), url_);
}

Result<KernelImage> UrlSource::fetch(const FetchContext& ctx) const {
  const std::string rctx = row_ctx();
  if (auto hit = cached(ctx)) return *hit;
  if (!ctx.http) return Error{"no HTTP client to download with", rctx};
  auto url = expand_env_vars(url_, ctx.env);
  if (!url) return url.error().wrap(rctx);
  say(ctx, "downloading " + url_);

  CacheEntryInfo info;
  info.row = row();
  info.origin = origin();
  info.source_digest = "sha256:" + sha256_;
  KernelDownload steps;
  steps.download = [&](const fs::path& file) -> Result<void> {
    if (auto d = download_verified(*ctx.http, *url, file, sha256_); !d) return d.error().wrap(rctx);
    return {};
  };
  steps.extract = [&](const fs::path& file, const fs::path& entry) -> Result<std::string> {
    if (looks_like_bzimage(file)) {
      std::error_code ec;
      fs::rename(file, entry / "vmlinuz", ec);
      if (ec) return Error{"cannot move download: " + ec.message(), file.string()};
      return std::string();
    }
    auto k = extract_kernel_from_archive(file, entry, match_tarball_kernel_path);
    if (!k) return k.error().wrap(rctx + ": " + *url);
    if (!k->found_vmlinuz)
      return Error{"no kernel in the download (neither a bzImage nor an archive holding "
                   "boot/vmlinuz-* or bzImage)",
                   rctx + ": " + *url};
    return k->release;
  };
  auto committed = cache_kernel(ctx.cache_dir, info, "", steps);
  if (!committed) return committed.error();
  return image_from_cache(row(), *committed, /*from_cache=*/false);
}

} // namespace vmtest
