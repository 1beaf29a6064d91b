// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/rpm_source.h"

#include "core/sha256.h"
#include "kernel/archive_kernel.h"
#include "kernel/url_source.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

RpmSource::RpmSource(std::string row, std::string url, fs::path path, std::string sha256)
    : KernelSource(std::move(row)), url_(std::move(url)), path_(std::move(path)),
      sha256_(std::move(sha256)) {}

std::unique_ptr<KernelSource> RpmSource::parse(const SourceSpec& spec) {
  spec.only_keys({"url", "path", "sha256"});
  const std::string url = spec.str("url", false), path = spec.str("path", false);
  if (url.empty() == path.empty())
    throw SpecError{"rpm source needs exactly one of 'url' or 'path'", spec.at()};
  const std::string sha = spec.str("sha256");
  spec.check_sha256(sha, "sha256");
  return std::make_unique<RpmSource>(spec.row, url,
                                     path.empty() ? fs::path() : spec.base_dir / path, sha);
}

std::string RpmSource::describe() const {
  return url_.empty() ? path_.filename().string() : url_;
}

std::optional<KernelImage> RpmSource::cached(const FetchContext& ctx) const {
  if (auto hit = find_cached_by_source(ctx.cache_dir, "sha256:" + sha256_))
    return image_from_cache(row(), *hit, /*from_cache=*/true);
  return std::nullopt;
}

std::string RpmSource::unavailable_reason(const FetchContext& ctx) const {
  if (!url_.empty()) return remote_unavailable_reason(ctx, kind(), url_);
  std::error_code ec;
  if (!fs::is_regular_file(path_, ec)) return "no RPM at " + path_.string();
  return "";
}

Result<KernelImage> RpmSource::fetch(const FetchContext& ctx) const {
  const std::string rctx = row_ctx();
  if (auto hit = cached(ctx)) return *hit;
  std::string shown = url_.empty() ? path_.string() : url_;
  CacheEntryInfo info;
  info.row = row();
  info.origin = "rpm " + shown;
  info.source_digest = "sha256:" + sha256_;
  KernelDownload steps;
  steps.download = [&](const fs::path& file) -> Result<void> {
    if (url_.empty()) {
      std::error_code ec;
      fs::copy_file(path_, file, ec);
      if (ec) return Error{"cannot read the RPM: " + ec.message(), rctx + ": " + shown};
      // Hash before opening: libarchive never sees bytes the matrix does not vouch for.
      auto actual = sha256_file(file);
      if (!actual) return actual.error().wrap(rctx);
      if (*actual != sha256_)
        return Error{"sha256 mismatch: expected " + sha256_ + ", got " + *actual,
                     rctx + ": " + shown};
      return {};
    }
    if (!ctx.http) return Error{"no HTTP client to download with", rctx};
    auto url = expand_env_vars(url_, ctx.env);
    if (!url) return url.error().wrap(rctx);
    say(ctx, "downloading " + url_);
    if (auto d = download_verified(*ctx.http, *url, file, sha256_); !d) return d.error().wrap(rctx);
    return {};
  };
  steps.extract = [&](const fs::path& file, const fs::path& entry) -> Result<std::string> {
    auto k = extract_kernel_from_archive(file, entry, match_rpm_kernel_path);
    if (!k) return k.error().wrap(rctx);
    if (!k->found_vmlinuz)
      return Error{"no lib/modules/<release>/vmlinuz in the RPM (is it a kernel-core package?)",
                   rctx + ": " + shown};
    return k->release;
  };
  auto committed = cache_kernel(ctx.cache_dir, info, "", steps);
  if (!committed) return committed.error();
  return image_from_cache(row(), *committed, /*from_cache=*/false);
}

} // namespace vmtest
