#include "kernel/kernel_image.h"

#include "core/sha256.h"
#include "kernel/apt_source.h"
#include "kernel/build_source.h"
#include "kernel/oci_registry.h"
#include "kernel/oci_source.h"
#include "kernel/rpm_source.h"
#include "kernel/url_source.h"
#include "kernel/deb_extract.h"
#include "kernel/deb_version.h"
#include "kernel/kernel_cache.h"

#include <algorithm>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

void say(const FetchContext& ctx, const std::string& msg) {
  if (ctx.log) ctx.log(msg);
}

std::string row_ctx(const KernelRow& row) {
  return "kernel '" + row.name + "'";
}

std::string origin_of(const std::string& package, const std::string& version) {
  return package + " " + version;
}

KernelImage image_from(const KernelRow& row, const CachedKernel& k, bool from_cache) {
  return image_from_cache(row, k, from_cache);
}

// The private apt for one row. Its state dir is keyed by the suite set: apt prunes lists that
// its current sources.list does not name, so rows with different suites must not share one.
Result<PrivateApt> private_apt_for(const DebianSource& src, const FetchContext& ctx) {
  auto mirrors = read_machine_mirrors(ctx.apt_sources_dir, ctx.apt_sources_list);
  if (!mirrors) return mirrors.error();
  auto sources = private_sources_list(*mirrors, src.suites);
  if (!sources) return sources.error();
  std::string key;
  for (const auto& s : src.suites)
    key += (key.empty() ? "" : "+") + s;
  PrivateApt apt(ctx.cache_dir / "apt" / key, *sources, *ctx.runner, ctx.log);
  if (auto p = apt.prepare(); !p) return p.error();
  return apt;
}

std::optional<AptPackage> find_version(const std::vector<AptPackage>& pkgs,
                                       const std::string& version) {
  for (const auto& p : pkgs)
    if (p.version == version) return p;
  return std::nullopt;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : " ") + x;
  return s;
}

// Download, verify, extract and commit one package version. `expected_vmlinuz` is empty when
// refreshing the lock (that is when it gets measured).
Result<CachedKernel> download_into_cache(const KernelRow& row, PrivateApt& apt,
                                         const std::string& package, const std::string& version,
                                         const std::string& expected_deb,
                                         const std::string& expected_vmlinuz,
                                         const FetchContext& ctx) {
  const std::string what = row_ctx(row) + ": " + origin_of(package, version);
  auto staging = make_staging_dir(ctx.cache_dir);
  if (!staging) return staging.error().wrap(row_ctx(row));
  StagingDir guard(*staging);
  std::error_code ec;
  // _apt must be able to reach the download dir (see PrivateApt::download).
  fs::permissions(guard.path(),
                  fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::replace, ec);
  const fs::path dl = guard.path() / "download", entry = guard.path() / "entry";
  fs::create_directory(dl, ec);
  fs::create_directory(entry, ec);
  if (ec) return Error{"cannot create staging dirs: " + ec.message(), guard.path().string()};

  auto deb = apt.download(package, version, dl);
  if (!deb) return deb.error().wrap(row_ctx(row));

  // Hash before opening: libarchive never sees bytes the lock does not vouch for.
  auto deb_sha = sha256_file(*deb);
  if (!deb_sha) return deb_sha.error().wrap(row_ctx(row));
  if (*deb_sha != expected_deb)
    return Error{".deb sha256 mismatch: expected " + expected_deb + ", got " + *deb_sha, what};

  auto k = extract_kernel_from_deb(*deb, entry);
  if (!k) return k.error().wrap(what);
  fs::remove_all(dl, ec); // the .deb is 20-35 MB and never needed again

  auto vmlinuz_sha = sha256_file(k->vmlinuz);
  if (!vmlinuz_sha) return vmlinuz_sha.error().wrap(what);
  if (!expected_vmlinuz.empty() && *vmlinuz_sha != expected_vmlinuz)
    return Error{"vmlinuz sha256 mismatch: expected " + expected_vmlinuz + ", got " + *vmlinuz_sha,
                 what};
  auto config_sha = sha256_file(k->config);
  if (!config_sha) return config_sha.error().wrap(what);

  CacheEntryInfo info{row.name,   origin_of(package, version), k->release, *deb_sha, *vmlinuz_sha,
                      *config_sha, ""};
  if (auto w = write_entry_info(entry, info); !w) return w.error().wrap(what);
  auto committed = commit_entry(ctx.cache_dir, entry, *vmlinuz_sha);
  if (!committed) return committed.error().wrap(what);
  return *committed;
}

Result<KernelImage> fetch_debian(const KernelRow& row, const DebianSource& src,
                                 const FetchContext& ctx) {
  const std::string rctx = row_ctx(row);
  if (!row.pin)
    return Error{"no pin for package " + src.package +
                     " in kernels/matrix.lock.json; run `vmtest kernels lock` to add one",
                 rctx};
  const DebPin& pin = *row.pin;
  if (pin.package != src.package)
    return Error{"the lock pins " + pin.package + " but the matrix names " + src.package +
                     "; run `vmtest kernels lock` to update the pin",
                 rctx};

  if (auto hit = lookup_cached(ctx.cache_dir, pin.vmlinuz_sha256))
    return image_from(row, *hit, /*from_cache=*/true);

  if (!ctx.runner) return Error{"no command runner to download with", rctx};
  say(ctx, rctx + ": fetching " + origin_of(pin.package, pin.version));
  auto apt = private_apt_for(src, ctx);
  if (!apt) return apt.error().wrap(rctx);

  // Indices are only refreshed when needed: missing, or not (yet) listing the pinned version.
  bool updated = false;
  if (!apt->lists_present()) {
    if (auto u = apt->update(); !u) return u.error().wrap(rctx);
    updated = true;
  }
  std::optional<AptPackage> found;
  for (;;) {
    auto pkgs = apt->show(pin.package);
    if (!pkgs) return pkgs.error().wrap(rctx);
    found = find_version(*pkgs, pin.version);
    if (found || updated) break;
    if (auto u = apt->update(); !u) return u.error().wrap(rctx);
    updated = true;
  }
  if (!found)
    return Error{"package " + pin.package + " version " + pin.version + " is not in suites " +
                     joined(src.suites) +
                     " (the mirror may have dropped it); run `vmtest kernels lock` to pin a "
                     "current version",
                 rctx};
  // The index is signed; if it disagrees with the lock there is no point downloading.
  if (!found->sha256.empty() && found->sha256 != pin.deb_sha256)
    return Error{"mirror index lists sha256 " + found->sha256 + " for " +
                     origin_of(pin.package, pin.version) + " but the lock expects " +
                     pin.deb_sha256,
                 rctx};

  auto k = download_into_cache(row, *apt, pin.package, pin.version, pin.deb_sha256,
                               pin.vmlinuz_sha256, ctx);
  if (!k) return k.error();
  apt->prune();
  return image_from(row, *k, /*from_cache=*/false);
}

Result<KernelImage> fetch_path(const KernelRow& row, const PathSource& src) {
  std::error_code ec;
  if (!fs::is_regular_file(src.vmlinuz, ec))
    return Error{"vmlinuz not found: " + src.vmlinuz.string(), row_ctx(row)};
  auto sha = sha256_file(src.vmlinuz);
  if (!sha) return sha.error().wrap(row_ctx(row));
  if (!src.sha256.empty() && *sha != src.sha256)
    return Error{"vmlinuz sha256 mismatch: expected " + src.sha256 + ", got " + *sha,
                 row_ctx(row) + ": " + src.vmlinuz.string()};
  // A local file is its own cache; copying it would only double the disk use.
  return KernelImage{row.name, src.vmlinuz, src.config, *sha, "path " + src.vmlinuz.string(),
                     false};
}

} // namespace

KernelImage image_from_cache(const KernelRow& row, const CachedKernel& k, bool from_cache) {
  std::error_code ec;
  // Sources without a config (a bare bzImage) leave it empty rather than naming a ghost.
  fs::path config = fs::exists(k.config, ec) ? k.config : fs::path();
  return KernelImage{row.name, k.vmlinuz, config, k.dir.filename().string(), k.info.origin,
                     from_cache};
}

std::optional<CachedKernel> cached_kernel_for(const KernelRow& row, const fs::path& cache_dir) {
  if (row.pin) return lookup_cached(cache_dir, row.pin->vmlinuz_sha256);
  if (row.oci_pin) {
    if (!row.oci_pin->manifest_digest.empty())
      return find_cached_by_source(cache_dir, row.oci_pin->manifest_digest);
    if (!row.oci_pin->vmlinuz_sha256.empty())
      return lookup_cached(cache_dir, row.oci_pin->vmlinuz_sha256);
  }
  if (const auto* u = std::get_if<UrlSource>(&row.source))
    return find_cached_by_source(cache_dir, "sha256:" + u->sha256);
  if (const auto* r = std::get_if<RpmSource>(&row.source))
    return find_cached_by_source(cache_dir, "sha256:" + r->sha256);
  if (const auto* b = std::get_if<BuildSource>(&row.source)) {
    auto d = build_source_digest(*b);
    if (d) return find_cached_by_source(cache_dir, *d);
  }
  return std::nullopt;
}

std::string unavailable_reason(const KernelRow& row, const EnvLookup& env) {
  auto needs = [&](const std::string& url) -> std::string {
    auto missing = missing_env_vars(url, env);
    if (missing.empty()) return "";
    return "not available here: set $" + missing.front() + " (the " + row.source_kind +
           " URL is " + url + ")";
  };
  if (std::holds_alternative<OciSource>(row.source) && !oci_registry_from_env(env))
    return "not available here: set VMTEST_OCI_REGISTRY to the registry host that serves " +
           std::get<OciSource>(row.source).repository;
  if (const auto* u = std::get_if<UrlSource>(&row.source)) return needs(u->url);
  if (const auto* r = std::get_if<RpmSource>(&row.source); r && !r->url.empty())
    return needs(r->url);
  if (const auto* b = std::get_if<BuildSource>(&row.source)) {
    if (b->sha256.empty())
      return "not available here: no sha256 for the linux-" + b->version +
             " tarball in kernels/matrix.yaml";
    return needs(b->url);
  }
  return "";
}

Result<KernelImage> fetch_kernel(const KernelRow& row, const FetchContext& ctx) {
  if (auto why = unavailable_reason(row, ctx.env); !why.empty()) return Error{why, row_ctx(row)};
  if (const auto* deb = std::get_if<DebianSource>(&row.source)) return fetch_debian(row, *deb, ctx);
  if (const auto* path = std::get_if<PathSource>(&row.source)) return fetch_path(row, *path);
  if (const auto* oci = std::get_if<OciSource>(&row.source)) return fetch_oci(row, *oci, ctx);
  if (const auto* url = std::get_if<UrlSource>(&row.source)) return fetch_url(row, *url, ctx);
  if (const auto* rpm = std::get_if<RpmSource>(&row.source)) return fetch_rpm(row, *rpm, ctx);
  if (const auto* b = std::get_if<BuildSource>(&row.source)) return fetch_build(row, *b, ctx);
  return Error{"unknown source '" + row.source_kind + "'", row_ctx(row)};
}

Result<DebPin> refresh_debian_pin(const KernelRow& row, const FetchContext& ctx) {
  const std::string rctx = row_ctx(row);
  const auto* src = std::get_if<DebianSource>(&row.source);
  if (!src)
    return Error{"only debian rows have lock pins (this one is '" + row.source_kind + "')", rctx};
  if (!ctx.runner) return Error{"no command runner to download with", rctx};
  auto apt = private_apt_for(*src, ctx);
  if (!apt) return apt.error().wrap(rctx);
  if (auto u = apt->update(); !u) return u.error().wrap(rctx);
  auto pkgs = apt->show(src->package);
  if (!pkgs) return pkgs.error().wrap(rctx);
  if (pkgs->empty())
    return Error{"package " + src->package + " is not in suites " + joined(src->suites) +
                     "; update the package name in kernels/matrix.yaml",
                 rctx};
  const AptPackage newest =
      *std::max_element(pkgs->begin(), pkgs->end(), [](const AptPackage& a, const AptPackage& b) {
        return compare_debian_versions(a.version, b.version) < 0;
      });
  if (!is_sha256_hex(newest.sha256))
    return Error{"apt index has no SHA256 for " + origin_of(newest.package, newest.version), rctx};

  // Unchanged pin whose kernel is already cached: nothing to download.
  if (row.pin && row.pin->version == newest.version && row.pin->deb_sha256 == newest.sha256 &&
      lookup_cached(ctx.cache_dir, row.pin->vmlinuz_sha256))
    return *row.pin;

  say(ctx, rctx + ": measuring " + origin_of(newest.package, newest.version));
  auto k = download_into_cache(row, *apt, newest.package, newest.version, newest.sha256, "", ctx);
  if (!k) return k.error();
  apt->prune();
  return DebPin{newest.package, newest.version, newest.filename, newest.sha256,
                k->info.vmlinuz_sha256};
}

} // namespace vmtest
