// vmtest kernels list|fetch|verify|lock: the kernel cache and the lock file, without booting.
#include "cli/command.h"
#include "cli/settings.h"
#include "core/process.h"
#include "kernel/kernel_cache.h"
#include "kernel/kernel_image.h"
#include "kernel/oci_source.h"

#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct KernelsArgs {
  MatrixOptions matrix;
  std::vector<std::string> kernels; // empty: every row
};

std::vector<const KernelRow*> selected_rows(const Matrix& m,
                                            const std::vector<std::string>& names) {
  std::vector<const KernelRow*> out;
  if (names.empty()) {
    for (const auto& r : m.rows)
      out.push_back(&r);
    return out;
  }
  for (const auto& n : names) {
    const KernelRow* r = m.find(n);
    if (!r) throw FatalError("unknown kernel '" + n + "'");
    out.push_back(r);
  }
  return out;
}

std::string pin_of(const KernelRow& r) {
  if (r.pin) return r.pin->version;
  if (r.oci_pin && !r.oci_pin->manifest_digest.empty()) return r.oci_pin->manifest_digest;
  if (r.source_kind == "oci") return "(unpinned)";
  if (const auto* u = std::get_if<UrlSource>(&r.source)) return "sha256:" + u->sha256;
  if (const auto* p = std::get_if<RpmSource>(&r.source)) return "sha256:" + p->sha256;
  if (const auto* b = std::get_if<BuildSource>(&r.source))
    return b->sha256.empty() ? "(no sha256)" : "sha256:" + b->sha256;
  if (r.source_kind == "debian") return "(unpinned)";
  return "-";
}

std::string short_digest(std::string s) {
  const auto colon = s.find(':');
  if (s.size() > 20 + (colon == std::string::npos ? 0 : colon + 1))
    s = s.substr(0, (colon == std::string::npos ? 0 : colon + 1) + 16) + "…";
  return s;
}

int do_list(const KernelsArgs& a) {
  Matrix m = load_matrix_or_throw(a.matrix);
  const fs::path cache = cache_dir_of(a.matrix);
  std::printf("%-6s %-7s %-28s %-7s %s\n", "KERNEL", "SOURCE", "PIN", "CACHED", "PATH / NOTE");
  for (const KernelRow* r : selected_rows(m, a.kernels)) {
    std::string cached = "no", where;
    if (const auto* p = std::get_if<PathSource>(&r->source)) {
      cached = "local";
      where = p->vmlinuz.string();
    } else if (auto k = cached_kernel_for(*r, cache)) {
      cached = "yes";
      where = k->vmlinuz.string();
    } else if (auto why = unavailable_reason(*r); !why.empty()) {
      where = why;
    }
    std::printf("%-6s %-7s %-28s %-7s %s\n", r->name.c_str(), r->source_kind.c_str(),
                short_digest(pin_of(*r)).c_str(), cached.c_str(), where.c_str());
  }
  return 0;
}

FetchContext make_ctx(const fs::path& cache, CommandRunner& runner, HttpClient& http) {
  FetchContext ctx;
  ctx.cache_dir = cache;
  ctx.runner = &runner;
  ctx.http = &http;
  ctx.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  return ctx;
}

int do_fetch(const KernelsArgs& a) {
  Matrix m = load_matrix_or_throw(a.matrix);
  SubprocessRunner runner;
  CurlHttpClient http;
  const FetchContext ctx = make_ctx(cache_dir_of(a.matrix), runner, http);
  int rc = 0;
  for (const KernelRow* r : selected_rows(m, a.kernels)) {
    if (auto why = unavailable_reason(*r); !why.empty()) {
      std::printf("%-6s %s: %s\n", r->name.c_str(), a.kernels.empty() ? "skipped" : "error",
                  why.c_str());
      if (!a.kernels.empty()) rc = 2;
      continue;
    }
    auto img = fetch_kernel(*r, ctx);
    if (!img) {
      std::printf("%-6s error: %s\n", r->name.c_str(), img.error().str().c_str());
      rc = 2;
      continue;
    }
    std::printf("%-6s %s %s (%s)\n", r->name.c_str(), img->from_cache ? "cached" : "fetched",
                img->vmlinuz.c_str(), img->origin.c_str());
  }
  return rc;
}

int do_verify(const KernelsArgs& a) {
  const fs::path cache = cache_dir_of(a.matrix);
  auto entries = list_cached(cache);
  if (!entries) throw FatalError(entries.error().str());
  int bad = 0;
  for (const auto& k : *entries) {
    auto v = verify_cached(k);
    std::printf("%s %s %s\n", v ? "ok     " : "DAMAGED", k.dir.filename().c_str(),
                v ? k.info.origin.c_str() : v.error().what.c_str());
    if (!v) ++bad;
  }
  std::printf("%zu entries, %d damaged (%s)\n", entries->size(), bad,
              kernels_cache_dir(cache).c_str());
  return bad ? 2 : 0;
}

int do_lock(const KernelsArgs& a) {
  Matrix m = load_matrix_or_throw(a.matrix);
  const fs::path lock_path = a.matrix.lock;
  auto lock = load_lock(lock_path);
  if (!lock) throw FatalError(lock.error().str());
  SubprocessRunner runner;
  CurlHttpClient http;
  const FetchContext ctx = make_ctx(cache_dir_of(a.matrix), runner, http);
  int rc = 0;
  for (const KernelRow* r : selected_rows(m, a.kernels)) {
    if (r->source_kind == "debian") {
      auto pin = refresh_debian_pin(*r, ctx);
      if (!pin) {
        std::printf("%-6s error: %s\n", r->name.c_str(), pin.error().str().c_str());
        rc = 2;
        continue;
      }
      std::printf("%-6s %s %s\n", r->name.c_str(), pin->package.c_str(), pin->version.c_str());
      lock->pins[r->name] = *pin;
    } else if (r->source_kind == "oci") {
      if (auto why = unavailable_reason(*r); !why.empty()) {
        // Keep (or create, explicitly empty) the pin so the file says what is unknown.
        lock->oci.try_emplace(r->name, OciPin{});
        std::printf("%-6s kept: %s\n", r->name.c_str(), why.c_str());
        continue;
      }
      auto pin = refresh_oci_pin(*r, ctx);
      if (!pin) {
        std::printf("%-6s error: %s\n", r->name.c_str(), pin.error().str().c_str());
        rc = 2;
        continue;
      }
      std::printf("%-6s %s\n", r->name.c_str(), pin->manifest_digest.c_str());
      lock->oci[r->name] = *pin;
    }
  }
  if (auto w = save_lock(lock_path, *lock); !w) throw FatalError(w.error().str());
  std::printf("wrote %s\n", lock_path.c_str());
  return rc;
}

} // namespace

void add_kernels_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<KernelsArgs>();
  auto* cmd = app.add_subcommand("kernels", "Inspect, fetch, verify and pin kernel images");
  cmd->require_subcommand(1);
  struct Verb {
    const char* name;
    const char* help;
    int (*run)(const KernelsArgs&);
    bool takes_kernels;
  };
  static const Verb verbs[] = {
      {"list", "List matrix rows with source, pin, cache state and path", do_list, true},
      {"fetch", "Fetch every available row (or --kernel ...) into the cache", do_fetch, true},
      {"verify", "Re-hash every cache entry", do_verify, false},
      {"lock", "Refresh lock pins (debian versions, oci digests)", do_lock, true},
  };
  for (const Verb& v : verbs) {
    auto* sub = cmd->add_subcommand(v.name, v.help);
    add_matrix_options(sub, a->matrix);
    if (v.takes_kernels) sub->add_option("-k,--kernel", a->kernels, "Kernel row (repeatable)");
    out.push_back({sub, [a, sub, run = v.run] {
                     apply_settings(*sub, {&a->matrix, nullptr, nullptr, nullptr});
                     return run(*a);
                   }});
  }
}

} // namespace vmtest
