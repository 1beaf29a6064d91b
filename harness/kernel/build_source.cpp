// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/build_source.h"

#include "core/fs.h"
#include "core/sha256.h"
#include "kernel/archive_kernel.h"
#include "kernel/url_source.h"

#include <map>
#include <sstream>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

// CONFIG_X -> value ("y", "m", "\"str\"", or "n" for "# CONFIG_X is not set").
std::map<std::string, std::string> parse_config(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CONFIG_", 0) == 0) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    } else if (line.rfind("# CONFIG_", 0) == 0 && line.size() > 13 &&
               line.compare(line.size() - 11, 11, " is not set") == 0) {
      out[line.substr(2, line.size() - 13)] = "n";
    }
  }
  return out;
}

Result<void> run_step(const FetchContext& ctx, const std::string& rctx, Command cmd,
                      const fs::path& log) {
  cmd.stdout_path = log;
  cmd.merge_stderr = true;
  auto st = ctx.runner->run(cmd);
  if (!st) return st.error().wrap(rctx);
  if (!st->success()) {
    std::string argv;
    for (const auto& a : cmd.argv)
      argv += (argv.empty() ? "" : " ") + a;
    return Error{"`" + argv + "` failed: " + st->describe() + " (log: " + log.string() + ")", rctx};
  }
  return {};
}

Command cmd(std::vector<std::string> argv, fs::path cwd = {}) {
  Command c;
  c.argv = std::move(argv);
  c.cwd = std::move(cwd);
  return c;
}

} // namespace

BuildSource::BuildSource(std::string row, BuildSpec spec)
    : KernelSource(std::move(row)), spec_(std::move(spec)) {}

std::unique_ptr<KernelSource> BuildSource::parse(const SourceSpec& spec) {
  spec.only_keys({"version", "url", "sha256", "config_fragment"});
  // The build runs the host's make and takes arch/x86/boot/bzImage: no cross build (yet).
  if (spec.arch != Arch::x86_64)
    throw SpecError{"build sources make x86_64 kernels only; an " +
                        std::string(to_string(spec.arch)) + " row needs another source",
                    spec.at()};
  BuildSpec b;
  b.version = spec.str("version");
  b.url = spec.str("url", false);
  if (b.url.empty())
    b.url = "${VMTEST_KERNEL_MIRROR}/v" + b.version.substr(0, b.version.find('.')) + ".x/linux-" +
            b.version + ".tar.xz";
  b.sha256 = spec.str("sha256", false);
  spec.check_sha256(b.sha256, "sha256");
  if (auto f = spec.str("config_fragment", false); !f.empty())
    b.config_fragment = spec.base_dir / f;
  return std::make_unique<BuildSource>(spec.row, b);
}

std::string BuildSource::describe() const {
  return "linux-" + spec_.version +
         (spec_.config_fragment.empty() ? "" : " + " + spec_.config_fragment.filename().string());
}

std::string BuildSource::pin_summary() const {
  return spec_.sha256.empty() ? "(no sha256)" : "sha256:" + spec_.sha256;
}

Result<std::string> BuildSource::digest() const {
  std::string fragment;
  if (!spec_.config_fragment.empty()) {
    auto f = read_file(spec_.config_fragment);
    if (!f) return f.error();
    fragment = *f;
  }
  // The build's identity: the exact sources plus the exact fragment.
  return "sha256:" + sha256_hex("linux " + spec_.version + "\n" + spec_.sha256 + "\n" + fragment);
}

std::optional<KernelImage> BuildSource::cached(const FetchContext& ctx) const {
  auto d = digest();
  if (!d) return std::nullopt;
  if (auto hit = find_cached_by_source(ctx.cache_dir, *d))
    return image_from_cache(row(), *hit, /*from_cache=*/true);
  return std::nullopt;
}

std::string BuildSource::unavailable_reason(const FetchContext& ctx) const {
  if (spec_.sha256.empty())
    return "no sha256 for the linux-" + spec_.version + " tarball in kernels/matrix.yaml";
  return remote_unavailable_reason(ctx, kind(), spec_.url);
}

std::vector<std::string> config_fragment_violations(const std::string& fragment,
                                                    const std::string& config) {
  const auto want = parse_config(fragment);
  const auto have = parse_config(config);
  std::vector<std::string> bad;
  for (const auto& [key, value] : want) {
    auto it = have.find(key);
    const std::string got = it == have.end() ? "n" : it->second;
    if (got != value) bad.push_back(key + "=" + value + " (got " + got + ")");
  }
  return bad;
}

namespace {
Result<void> build_into(const FetchContext& ctx, const std::string& rctx, const BuildSpec& src,
                        const std::string& fragment, const std::string& url, const fs::path& logs,
                        const fs::path& scratch, const fs::path& entry) {
  const fs::path tarball = scratch / "linux.tar", tree = scratch / "src";
  std::error_code ec;
  fs::create_directory(tree, ec);
  if (ec) return Error{"cannot create build dirs: " + ec.message(), scratch.string()};

  if (ctx.log) ctx.log(rctx + ": downloading linux-" + src.version);
  if (auto d = download_verified(*ctx.http, url, tarball, src.sha256); !d)
    return d.error().wrap(rctx);
  // tar itself would happily follow "../"; it only ever sees an archive checked here.
  if (auto c = check_archive_paths(tarball); !c) return c.error().wrap(rctx);

  const std::string jobs = "-j" + std::to_string(ctx.build_jobs > 0 ? ctx.build_jobs : 1);
  const std::vector<std::pair<std::string, Command>> steps = [&] {
    std::vector<std::pair<std::string, Command>> s;
    s.push_back({"unpack", cmd({"tar", "-xf", tarball.string(), "-C", tree.string(),
                                "--strip-components=1", "--no-same-owner"})});
    s.push_back({"defconfig", cmd({"make", "-C", tree.string(), "defconfig"})});
    if (!fragment.empty())
      s.push_back({"merge_config", cmd({"scripts/kconfig/merge_config.sh", "-m", ".config",
                                        fs::absolute(src.config_fragment).string()},
                                       tree)});
    s.push_back({"olddefconfig", cmd({"make", "-C", tree.string(), "olddefconfig"})});
    return s;
  }();
  for (const auto& [name, cmd] : steps) {
    if (ctx.log) ctx.log(rctx + ": " + name);
    if (auto r = run_step(ctx, rctx, cmd, logs / (name + ".log")); !r) return r.error();
  }
  auto config = read_file(tree / ".config");
  if (!config) return config.error().wrap(rctx);
  if (auto bad = config_fragment_violations(fragment, *config); !bad.empty()) {
    std::string list;
    for (const auto& b : bad)
      list += (list.empty() ? "" : ", ") + b;
    return Error{"the configured kernel does not honour " + src.config_fragment.string() + ": " +
                     list + " (unmet Kconfig dependencies?)",
                 rctx};
  }
  if (ctx.log) ctx.log(rctx + ": make bzImage (this takes a while)");
  if (auto r = run_step(ctx, rctx, cmd({"make", "-C", tree.string(), jobs, "bzImage"}),
                        logs / "bzImage.log");
      !r)
    return r.error();

  fs::rename(tree / "arch/x86/boot/bzImage", entry / "vmlinuz", ec);
  if (ec) return Error{"build produced no arch/x86/boot/bzImage: " + ec.message(), rctx};
  fs::rename(tree / ".config", entry / "config", ec);
  return {};
}
} // namespace

Result<KernelImage> BuildSource::fetch(const FetchContext& ctx) const {
  const std::string rctx = row_ctx();
  const BuildSpec& src = spec_;
  std::string fragment;
  if (!src.config_fragment.empty()) {
    auto f = read_file(src.config_fragment);
    if (!f) return f.error().wrap(rctx);
    fragment = *f;
  }
  auto source_digest = digest();
  if (!source_digest) return source_digest.error().wrap(rctx);
  if (auto hit = cached(ctx)) return *hit;
  if (src.sha256.empty())
    return Error{"no sha256 for the linux-" + src.version + " tarball in kernels/matrix.yaml",
                 rctx};
  if (!ctx.http || !ctx.runner)
    return Error{"no HTTP client or command runner to build with", rctx};
  auto url = expand_env_vars(src.url, ctx.env);
  if (!url) return url.error().wrap(rctx);
  // Logs outlive the staging dir: a failed build is useless without them.
  const fs::path logs = ctx.cache_dir / "build-logs" / row();
  std::error_code ec;
  fs::create_directories(logs, ec);

  CacheEntryInfo info;
  info.row = row();
  info.origin = "build " + describe();
  info.release = src.version;
  info.source_digest = *source_digest;
  auto committed =
      stage_kernel(ctx.cache_dir, info, "",
                   [&](const fs::path& scratch, const fs::path& entry, CacheEntryInfo&) {
                     return build_into(ctx, rctx, src, fragment, *url, logs, scratch, entry);
                   });
  if (!committed) return committed.error();
  return image_from_cache(row(), *committed, /*from_cache=*/false);
}

} // namespace vmtest
