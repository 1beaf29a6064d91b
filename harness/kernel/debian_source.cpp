#include "kernel/debian_source.h"

#include "core/file_lock.h"
#include "core/sha256.h"
#include "kernel/apt_source.h"
#include "kernel/deb_extract.h"
#include "kernel/deb_version.h"
#include "kernel/lock_file.h"

#include <algorithm>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

std::string origin_of(const std::string& package, const std::string& version) {
  return package + " " + version;
}

std::string joined(const std::vector<std::string>& v, const char* sep = " ") {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : sep) + x;
  return s;
}

std::optional<AptPackage> find_version(const std::vector<AptPackage>& pkgs,
                                       const std::string& version) {
  for (const auto& p : pkgs)
    if (p.version == version) return p;
  return std::nullopt;
}

// The private apt for one source, held under its lock for as long as this value lives. Its
// state dir is keyed by the suite set: apt prunes lists that its current sources.list does
// not name, so sources with different suites must not share one. Two vmtest processes must
// not share one at the same time either: apt takes its own lock on lists/ and fails the
// second process outright ("Could not get lock"), so the second waits here instead.
struct LockedApt {
  FileLock lock;
  PrivateApt apt;
};

// Rows of another architecture get a state of their own too (apt indexes one architecture
// here), named with a suffix so the x86 rows keep the state dirs they always had.
Result<LockedApt> private_apt_for(const std::vector<std::string>& suites, Arch arch,
                                  const FetchContext& ctx) {
  auto mirrors = read_machine_mirrors(ctx.apt_sources_dir, ctx.apt_sources_list);
  if (!mirrors) return mirrors.error();
  const std::string deb_arch(debian_arch(arch));
  auto sources = private_sources_list(*mirrors, suites, deb_arch);
  if (!sources) return sources.error();
  const std::string key = joined(suites, "+") + (arch == Arch::x86_64 ? "" : "-" + deb_arch);
  auto lock = FileLock::acquire(cache_lock_path(ctx.cache_dir, "apt-" + key),
                                "the private apt state for " + joined(suites, ", "),
                                [&](const std::string& line) {
                                  if (ctx.log) ctx.log(line);
                                });
  if (!lock) return lock.error();
  LockedApt out{std::move(*lock), PrivateApt(ctx.cache_dir / "apt" / key, *sources, *ctx.runner,
                                             ctx.log, deb_arch)};
  if (auto p = out.apt.prepare(); !p) return p.error();
  return out;
}

// Download, verify, extract and commit one package version. `expected_vmlinuz` is empty when
// refreshing the lock (that is when it gets measured).
Result<CachedKernel> download_into_cache(const std::string& row, PrivateApt& apt,
                                         const std::string& package, const std::string& version,
                                         const std::string& expected_deb,
                                         const std::string& expected_vmlinuz,
                                         const FetchContext& ctx) {
  const std::string what = "kernel '" + row + "': " + origin_of(package, version);
  CacheEntryInfo info;
  info.row = row;
  info.origin = origin_of(package, version);
  KernelDownload steps;
  steps.download = [&](const fs::path& file) -> Result<void> {
    // apt drops to the _apt user for downloads: it must be able to reach the download dir.
    std::error_code ec;
    fs::permissions(file.parent_path().parent_path(),
                    fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::replace, ec);
    auto deb = apt.download(package, version, file.parent_path());
    if (!deb) return deb.error().wrap("kernel '" + row + "'");
    // Hash before opening: libarchive never sees bytes the lock does not vouch for.
    auto sha = sha256_file(*deb);
    if (!sha) return sha.error().wrap("kernel '" + row + "'");
    if (*sha != expected_deb)
      return Error{".deb sha256 mismatch: expected " + expected_deb + ", got " + *sha, what};
    info.deb_sha256 = *sha;
    fs::rename(*deb, file, ec);
    if (ec) return Error{"cannot move the .deb: " + ec.message(), deb->string()};
    return {};
  };
  steps.extract = [&](const fs::path& file, const fs::path& entry) -> Result<std::string> {
    auto k = extract_kernel_from_deb(file, entry);
    if (!k) return k.error().wrap(what);
    return k->release;
  };
  auto k = cache_kernel(ctx.cache_dir, info, expected_vmlinuz, steps);
  if (!k) return k.error();
  return *k;
}

} // namespace

DebianSource::DebianSource(std::string row, std::string package, std::vector<std::string> suites,
                           std::optional<DebPin> pin, Arch arch)
    : KernelSource(std::move(row)), package_(std::move(package)), suites_(std::move(suites)),
      pin_(std::move(pin)), arch_(arch) {}

std::unique_ptr<KernelSource> DebianSource::parse(const SourceSpec& spec) {
  spec.only_keys({"package", "suites"});
  std::optional<DebPin> pin;
  if (!spec.pin.is_null()) {
    DebPin p{spec.pin_str("package"), spec.pin_str("version"), spec.pin_str("filename"),
             spec.pin_str("deb_sha256"), spec.pin_str("vmlinuz_sha256")};
    for (auto [value, key] : {std::pair{&p.package, "package"},
                              {&p.version, "version"},
                              {&p.filename, "filename"},
                              {&p.deb_sha256, "deb_sha256"},
                              {&p.vmlinuz_sha256, "vmlinuz_sha256"}})
      if (value->empty())
        throw SpecError{std::string("missing or empty string field '") + key + "'",
                        spec.lock_where};
    if (!is_sha256_hex(p.deb_sha256) || !is_sha256_hex(p.vmlinuz_sha256))
      throw SpecError{"sha256 fields must be 64 lowercase hex digits", spec.lock_where};
    pin = p;
  }
  return std::make_unique<DebianSource>(spec.row, spec.str("package"), spec.str_list("suites"),
                                        pin, spec.arch);
}

std::string DebianSource::describe() const {
  return package_ + " from " + joined(suites_, ", ");
}

std::string DebianSource::pin_summary() const {
  return pin_ ? pin_->version : "(unpinned)";
}

nlohmann::ordered_json DebianSource::pin_json(const DebPin& p) {
  return {{"package", p.package},
          {"version", p.version},
          {"filename", p.filename},
          {"deb_sha256", p.deb_sha256},
          {"vmlinuz_sha256", p.vmlinuz_sha256}};
}

nlohmann::ordered_json DebianSource::lock_pin() const {
  return pin_ ? pin_json(*pin_) : nlohmann::ordered_json(nullptr);
}

std::optional<KernelImage> DebianSource::cached(const FetchContext& ctx) const {
  if (!pin_) return std::nullopt;
  // Found by content: another source may have fetched these bytes first, but they are exactly
  // what the pinned package holds, so the row's provenance is the package.
  if (auto hit = lookup_cached(ctx.cache_dir, pin_->vmlinuz_sha256)) {
    hit->info.origin = origin_of(pin_->package, pin_->version);
    return image_from_cache(row(), *hit, /*from_cache=*/true);
  }
  return std::nullopt;
}

Result<KernelImage> DebianSource::fetch(const FetchContext& ctx) const {
  const std::string rctx = row_ctx();
  if (!pin_)
    return Error{"no pin for package " + package_ +
                     " in kernels/matrix.lock.json; run `vmtest kernels lock` to add one",
                 rctx};
  const DebPin& pin = *pin_;
  if (pin.package != package_)
    return Error{"the lock pins " + pin.package + " but the matrix names " + package_ +
                     "; run `vmtest kernels lock` to update the pin",
                 rctx};
  if (auto hit = cached(ctx)) return *hit;

  if (!ctx.runner) return Error{"no command runner to download with", rctx};
  say(ctx, "fetching " + origin_of(pin.package, pin.version));
  auto locked = private_apt_for(suites_, arch_, ctx);
  if (!locked) return locked.error().wrap(rctx);
  PrivateApt* apt = &locked->apt;

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
                     joined(suites_) +
                     " (the mirror may have dropped it); run `vmtest kernels lock` to pin a "
                     "current version",
                 rctx};
  // The index is signed; if it disagrees with the lock there is no point downloading.
  if (!found->sha256.empty() && found->sha256 != pin.deb_sha256)
    return Error{"mirror index lists sha256 " + found->sha256 + " for " +
                     origin_of(pin.package, pin.version) + " but the lock expects " +
                     pin.deb_sha256,
                 rctx};

  auto k = download_into_cache(row(), *apt, pin.package, pin.version, pin.deb_sha256,
                               pin.vmlinuz_sha256, ctx);
  if (!k) return k.error();
  apt->prune();
  return image_from_cache(row(), *k, /*from_cache=*/false);
}

Result<DebPin> DebianSource::refresh(const FetchContext& ctx) const {
  const std::string rctx = row_ctx();
  if (!ctx.runner) return Error{"no command runner to download with", rctx};
  auto locked = private_apt_for(suites_, arch_, ctx);
  if (!locked) return locked.error().wrap(rctx);
  PrivateApt* apt = &locked->apt;
  if (auto u = apt->update(); !u) return u.error().wrap(rctx);
  auto pkgs = apt->show(package_);
  if (!pkgs) return pkgs.error().wrap(rctx);
  if (pkgs->empty())
    return Error{"package " + package_ + " is not in suites " + joined(suites_) +
                     "; update the package name in kernels/matrix.yaml",
                 rctx};
  const AptPackage newest =
      *std::max_element(pkgs->begin(), pkgs->end(), [](const AptPackage& a, const AptPackage& b) {
        return compare_debian_versions(a.version, b.version) < 0;
      });
  if (!is_sha256_hex(newest.sha256))
    return Error{"apt index has no SHA256 for " + origin_of(newest.package, newest.version), rctx};

  // Unchanged pin whose kernel is already cached: nothing to download.
  if (pin_ && pin_->version == newest.version && pin_->deb_sha256 == newest.sha256 &&
      lookup_cached(ctx.cache_dir, pin_->vmlinuz_sha256))
    return *pin_;

  say(ctx, "measuring " + origin_of(newest.package, newest.version));
  auto k = download_into_cache(row(), *apt, newest.package, newest.version, newest.sha256, "", ctx);
  if (!k) return k.error();
  apt->prune();
  return DebPin{newest.package, newest.version, newest.filename, newest.sha256,
                k->info.vmlinuz_sha256};
}

Result<nlohmann::ordered_json> DebianSource::refresh_pin(const FetchContext& ctx) const {
  auto p = refresh(ctx);
  if (!p) return p.error();
  return pin_json(*p);
}

} // namespace vmtest
