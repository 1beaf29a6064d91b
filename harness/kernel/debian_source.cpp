// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/debian_source.h"

#include "core/file_lock.h"
#include "core/sha256.h"
#include "kernel/apt_source.h"
#include "kernel/deb_extract.h"
#include "kernel/deb_version.h"
#include "kernel/lock_file.h"
#include "kernel/snapshot_archive.h"

#include <algorithm>
#include <fnmatch.h>
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

// Which mirror serves which of a row's suites here: $VMTEST_DEBIAN_MIRROR (and
// $VMTEST_DEBIAN_SECURITY_MIRROR) when set, else the host's own apt sources. A suite no mirror
// serves is left out; `none` says why when no suite is left, and then only the snapshot
// archive can supply the pinned package.
struct MirrorPlan {
  AptMirrors mirrors;
  std::vector<std::string> suites;
  std::string keyring;
  std::string none;
};

std::string without_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/')
    s.pop_back();
  return s;
}

MirrorPlan plan_mirrors(const std::vector<std::string>& suites, const FetchContext& ctx) {
  MirrorPlan p;
  p.keyring = ctx.env(kDebianKeyringEnv);
  if (p.keyring.empty()) p.keyring = kDebianArchiveKeyring;
  if (const std::string own = ctx.env(kDebianMirrorEnv); !own.empty()) {
    p.mirrors.debian = without_trailing_slashes(own);
    p.mirrors.security = without_trailing_slashes(ctx.env(kDebianSecurityMirrorEnv));
  } else {
    fs::path parts = ctx.apt_sources_dir, list = ctx.apt_sources_list;
    if (const std::string etc = ctx.env(kAptEtcEnv); !etc.empty()) {
      parts = fs::path(etc) / "sources.list.d";
      list = fs::path(etc) / "sources.list";
    }
    auto m = read_machine_mirrors(parts, list);
    if (!m) {
      p.none = "this host has no Debian apt source (" + m.error().str() + ") and $" +
               kDebianMirrorEnv + " is not set";
      return p;
    }
    p.mirrors = *m;
  }
  std::error_code ec;
  if (!fs::exists(p.keyring, ec)) {
    p.none = "no keyring at " + p.keyring + " to check a Debian mirror's index with";
    return p;
  }
  for (const auto& s : suites)
    if (s.size() < 9 || s.compare(s.size() - 9, 9, "-security") != 0 || !p.mirrors.security.empty())
      p.suites.push_back(s);
  if (p.suites.empty())
    p.none = "no Debian mirror here serves suites " + joined(suites) + " (set $" +
             kDebianSecurityMirrorEnv + " for a debian-security mirror)";
  return p;
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

// Rows of another architecture get a state of their own (apt indexes one architecture here),
// named with a suffix so the x86 rows keep the state dirs they always had.
Result<LockedApt> private_apt_for(const MirrorPlan& plan, Arch arch, const FetchContext& ctx) {
  const std::string deb_arch(debian_arch(arch));
  auto sources = private_sources_list(plan.mirrors, plan.suites, plan.keyring, deb_arch);
  if (!sources) return sources.error();
  const std::string key = joined(plan.suites, "+") + (arch == Arch::x86_64 ? "" : "-" + deb_arch);
  auto lock = FileLock::acquire(cache_lock_path(ctx.cache_dir, "apt-" + key),
                                "the private apt state for " + joined(plan.suites, ", "),
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
// refreshing the lock (that is when it gets measured); `deb_sha1` receives the .deb's SHA-1,
// the snapshot archive's address for it.
Result<CachedKernel> download_into_cache(const std::string& row, PrivateApt& apt,
                                         const std::string& package, const std::string& version,
                                         const std::string& expected_deb,
                                         const std::string& expected_vmlinuz,
                                         const FetchContext& ctx, std::string* deb_sha1 = nullptr) {
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
    if (deb_sha1) {
      auto one = sha1_file(*deb);
      if (!one) return one.error().wrap("kernel '" + row + "'");
      *deb_sha1 = *one;
    }
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

// The pinned package from the snapshot archive, by the lock's deb_sha1 alone. `why` says
// why the mirror could not supply it; it leads every message.
Result<CachedKernel> snapshot_into_cache(const std::string& row, const DebPin& pin,
                                         const std::string& why, const FetchContext& ctx) {
  const std::string rctx = "kernel '" + row + "'";
  if (pin.deb_sha1.empty())
    return Error{why + "; the lock records no deb_sha1 for " + origin_of(pin.package, pin.version) +
                     ", so the snapshot archive cannot be asked for it: run `vmtest kernels lock "
                     "--kernel " +
                     row + "` (or pin a current version)",
                 rctx};
  if (!ctx.http) return Error{why + "; no HTTP client to reach the snapshot archive with", rctx};
  const std::string base = debian_snapshot_base(ctx.env);
  if (ctx.log)
    ctx.log(rctx + ": " + why + "; fetching " + origin_of(pin.package, pin.version) +
            " from the snapshot archive (" + snapshot_file_url(base, pin.deb_sha1) + ")");
  const std::string what = rctx + ": " + origin_of(pin.package, pin.version);
  CacheEntryInfo info;
  info.row = row;
  info.origin = origin_of(pin.package, pin.version);
  info.deb_sha256 = pin.deb_sha256;
  KernelDownload steps;
  steps.download = [&](const fs::path& file) -> Result<void> {
    if (auto d = fetch_snapshot_file(*ctx.http, base, pin.deb_sha1, pin.deb_sha256, file); !d)
      return d.error().wrap(rctx);
    return {};
  };
  steps.extract = [&](const fs::path& file, const fs::path& entry) -> Result<std::string> {
    auto k = extract_kernel_from_deb(file, entry);
    if (!k) return k.error().wrap(what);
    return k->release;
  };
  return cache_kernel(ctx.cache_dir, info, pin.vmlinuz_sha256, steps);
}

} // namespace

DebianSource::DebianSource(std::string row, std::string package, std::vector<std::string> suites,
                           std::optional<DebPin> pin, bool follow_newest, Arch arch)
    : KernelSource(std::move(row)), package_(std::move(package)), suites_(std::move(suites)),
      pin_(std::move(pin)), follow_newest_(follow_newest), arch_(arch) {}

std::unique_ptr<KernelSource> DebianSource::parse(const SourceSpec& spec) {
  spec.only_keys({"package", "suites"});
  std::optional<DebPin> pin;
  if (!spec.pin.is_null()) {
    DebPin p{spec.pin_str("package"),    spec.pin_str("version"),
             spec.pin_str("filename"),   spec.pin_str("deb_sha256"),
             spec.pin_str("deb_sha1"),   spec.pin_str("vmlinuz_sha256")};
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
    // Optional: locks written before the snapshot fallback lack it (that fallback then says so).
    if (!p.deb_sha1.empty() && !is_sha1_hex(p.deb_sha1))
      throw SpecError{"deb_sha1 must be 40 lowercase hex digits", spec.lock_where};
    pin = p;
  }
  const std::string package = spec.str("package");
  if (!spec.canary && package.find_first_of("*?[") != std::string::npos)
    throw SpecError{"package '" + package +
                        "' is a pattern; only a canary row (canary: true) follows the newest "
                        "package of a series",
                    spec.at()};
  return std::make_unique<DebianSource>(spec.row, package, spec.str_list("suites"), pin,
                                        spec.canary, spec.arch);
}

std::string DebianSource::describe() const {
  return package_ + " from " + joined(suites_, ", ");
}

std::string DebianSource::pin_summary() const {
  if (follow_newest_) return "newest" + (pin_ ? " (last " + pin_->version + ")" : std::string());
  return pin_ ? pin_->version : "(unpinned)";
}

nlohmann::ordered_json DebianSource::pin_json(const DebPin& p) {
  nlohmann::ordered_json j = {{"package", p.package},
                              {"version", p.version},
                              {"filename", p.filename},
                              {"deb_sha256", p.deb_sha256}};
  if (!p.deb_sha1.empty()) j["deb_sha1"] = p.deb_sha1;
  j["vmlinuz_sha256"] = p.vmlinuz_sha256;
  return j;
}

nlohmann::ordered_json DebianSource::lock_pin() const {
  return pin_ ? pin_json(*pin_) : nlohmann::ordered_json(nullptr);
}

std::optional<KernelImage> DebianSource::cached(const FetchContext& ctx) const {
  // A canary asks the mirror on every run: the newest kernel is the point of the row.
  if (!pin_ || follow_newest_) return std::nullopt;
  // Found by content: another source may have fetched these bytes first, but they are exactly
  // what the pinned package holds, so the row's provenance is the package.
  if (auto hit = lookup_cached(ctx.cache_dir, pin_->vmlinuz_sha256)) {
    hit->info.origin = origin_of(pin_->package, pin_->version);
    return image_from_cache(row(), *hit, /*from_cache=*/true);
  }
  return std::nullopt;
}

Result<KernelImage> DebianSource::fetch(const FetchContext& ctx) const {
  if (follow_newest_) return fetch_newest(ctx);
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

  say(ctx, "fetching " + origin_of(pin.package, pin.version));
  // The mirror first, as apt would; the snapshot archive when the mirror cannot supply the
  // pinned version (or there is no mirror). Errors that are not about availability - a hash
  // the lock does not vouch for - stop here and never fall through.
  std::string gone;
  if (const MirrorPlan plan = plan_mirrors(suites_, ctx); !plan.none.empty()) {
    gone = plan.none;
  } else {
    if (!ctx.runner) return Error{"no command runner to download with", rctx};
    auto locked = private_apt_for(plan, arch_, ctx);
    if (!locked) return locked.error().wrap(rctx);
    PrivateApt* apt = &locked->apt;
    // Indices are only refreshed when needed: missing, or not (yet) listing the pinned version.
    bool updated = false;
    std::optional<AptPackage> found;
    if (!apt->lists_present()) {
      if (auto u = apt->update(); !u)
        gone = "the Debian mirror's index could not be read (" + u.error().str() + ")";
      updated = true;
    }
    while (gone.empty()) {
      auto pkgs = apt->show(pin.package);
      if (!pkgs) return pkgs.error().wrap(rctx);
      found = find_version(*pkgs, pin.version);
      if (found || updated) break;
      if (auto u = apt->update(); !u)
        gone = "the Debian mirror's index could not be read (" + u.error().str() + ")";
      updated = true;
    }
    if (gone.empty() && !found)
      gone = "the Debian mirror no longer lists " + origin_of(pin.package, pin.version) +
             " in suites " + joined(plan.suites);
    if (found) {
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
  }
  auto k = snapshot_into_cache(row(), pin, gone, ctx);
  if (!k) return k.error();
  return image_from_cache(row(), *k, /*from_cache=*/false);
}

Result<DebPin> DebianSource::refresh(const FetchContext& ctx, bool roll_forward) const {
  const std::string rctx = row_ctx();
  if (!ctx.runner) return Error{"no command runner to download with", rctx};
  // Finding a version needs a mirror's index; the snapshot archive serves files only.
  const MirrorPlan plan = plan_mirrors(suites_, ctx);
  if (!plan.none.empty())
    return Error{plan.none + "; measuring a pin needs a Debian mirror (set $" + kDebianMirrorEnv +
                     ")",
                 rctx};
  auto locked = private_apt_for(plan, arch_, ctx);
  if (!locked) return locked.error().wrap(rctx);
  PrivateApt* apt = &locked->apt;
  if (auto u = apt->update(); !u) return u.error().wrap(rctx);

  // Keep the pin, completing what it lacks (a lock from before deb_sha1 existed).
  if (pin_ && !roll_forward && !follow_newest_) {
    auto pkgs = apt->show(pin_->package);
    if (!pkgs) return pkgs.error().wrap(rctx);
    const auto found = find_version(*pkgs, pin_->version);
    if (!found) {
      if (!pin_->deb_sha1.empty()) {
        say(ctx, "kept " + origin_of(pin_->package, pin_->version) +
                     ": the mirror no longer lists it, the snapshot archive serves it by deb_sha1");
        return *pin_;
      }
      return Error{"the Debian mirror no longer lists " + origin_of(pin_->package, pin_->version) +
                       ", so its deb_sha1 cannot be measured; `vmtest kernels lock --refresh " +
                       row() + "` pins a current version",
                   rctx};
    }
    if (found->sha256 != pin_->deb_sha256)
      return Error{"mirror index lists sha256 " + found->sha256 + " for " +
                       origin_of(pin_->package, pin_->version) + " but the lock expects " +
                       pin_->deb_sha256,
                   rctx};
    if (!pin_->deb_sha1.empty() && lookup_cached(ctx.cache_dir, pin_->vmlinuz_sha256))
      return *pin_;
    say(ctx, "measuring " + origin_of(pin_->package, pin_->version));
    DebPin out = *pin_;
    auto k = download_into_cache(row(), *apt, out.package, out.version, out.deb_sha256,
                                 out.vmlinuz_sha256, ctx, &out.deb_sha1);
    if (!k) return k.error();
    apt->prune();
    return out;
  }

  // The newest version of the package, or of every package the canary's glob matches.
  std::vector<std::string> names = {package_};
  if (const auto wild = package_.find_first_of("*?["); wild != std::string::npos) {
    auto all = apt->pkgnames(package_.substr(0, wild));
    if (!all) return all.error().wrap(rctx);
    names.clear();
    for (const auto& n : *all)
      if (fnmatch(package_.c_str(), n.c_str(), 0) == 0) names.push_back(n);
  }
  std::vector<AptPackage> candidates;
  for (const auto& n : names) {
    auto pkgs = apt->show(n);
    if (!pkgs) return pkgs.error().wrap(rctx);
    candidates.insert(candidates.end(), pkgs->begin(), pkgs->end());
  }
  if (candidates.empty())
    return Error{"no package " + package_ + " in suites " + joined(plan.suites) +
                     "; update the package name in kernels/matrix.yaml",
                 rctx};
  const AptPackage newest = *std::max_element(
      candidates.begin(), candidates.end(), [](const AptPackage& a, const AptPackage& b) {
        return compare_debian_versions(a.version, b.version) < 0;
      });
  if (!is_sha256_hex(newest.sha256))
    return Error{"apt index has no SHA256 for " + origin_of(newest.package, newest.version), rctx};

  // Unchanged pin whose kernel is already cached: nothing to download.
  if (pin_ && pin_->package == newest.package && pin_->version == newest.version &&
      pin_->deb_sha256 == newest.sha256 && !pin_->deb_sha1.empty() &&
      lookup_cached(ctx.cache_dir, pin_->vmlinuz_sha256))
    return *pin_;

  say(ctx, "measuring " + origin_of(newest.package, newest.version));
  std::string sha1;
  auto k = download_into_cache(row(), *apt, newest.package, newest.version, newest.sha256, "", ctx,
                               &sha1);
  if (!k) return k.error();
  apt->prune();
  return DebPin{newest.package, newest.version, newest.filename, newest.sha256, sha1,
                k->info.vmlinuz_sha256};
}

Result<nlohmann::ordered_json> DebianSource::refresh_pin(const FetchContext& ctx,
                                                         bool roll_forward) const {
  auto p = refresh(ctx, roll_forward);
  if (!p) return p.error();
  return pin_json(*p);
}

// A canary: whatever is newest now boots, and the lock records it, so a report can say which
// kernel the warnings came from and `git diff` shows when the series moved.
Result<KernelImage> DebianSource::fetch_newest(const FetchContext& ctx) const {
  auto p = refresh(ctx, /*roll_forward=*/true);
  if (!p) return p.error();
  auto hit = lookup_cached(ctx.cache_dir, p->vmlinuz_sha256);
  if (!hit) return Error{"the newest kernel was measured but is not in the cache", row_ctx()};
  hit->info.origin = origin_of(p->package, p->version);
  const bool moved = !pin_ || pin_->package != p->package || pin_->version != p->version ||
                     pin_->vmlinuz_sha256 != p->vmlinuz_sha256 || pin_->deb_sha1 != p->deb_sha1;
  std::string line = "canary: newest is " + origin_of(p->package, p->version);
  if (!moved) {
    line += ", as the lock records";
  } else {
    line += pin_ ? " (the lock had " + origin_of(pin_->package, pin_->version) + ")"
                 : " (the lock had none)";
    if (ctx.record_pin) {
      auto w = ctx.record_pin(row(), kind(), pin_json(*p));
      line += w ? "; recorded in " + *w : "; could not record it: " + w.error().str();
    }
  }
  say(ctx, line);
  return image_from_cache(row(), *hit, /*from_cache=*/false);
}

} // namespace vmtest
