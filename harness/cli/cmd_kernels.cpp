// SPDX-License-Identifier: BSD-2-Clause
// vmtest kernels list|fetch|verify|lock: the kernel cache and the lock file, without booting.
#include "cli/command.h"
#include "cli/settings.h"
#include "core/process.h"
#include "kernel/kernel_cache.h"
#include "kernel/kernel_image.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct KernelsArgs {
  MatrixOptions matrix;
  std::vector<std::string> kernels; // empty: every row
  std::vector<std::string> refresh; // lock: rows whose pins roll forward to the newest version
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

std::string short_digest(std::string s) {
  const auto colon = s.find(':');
  if (s.size() > 20 + (colon == std::string::npos ? 0 : colon + 1))
    s = s.substr(0, (colon == std::string::npos ? 0 : colon + 1) + 16) + "…";
  return s;
}

// One line per row: the source a run would use now, its pin, and where the image is (or why
// no source is available).
int do_list(const KernelsArgs& a, CommandRunner& runner, HttpClient& http) {
  Matrix m = load_matrix_or_throw(a.matrix);
  const FetchContext ctx = make_fetch_context(a.matrix, runner, http, nullptr);
  const auto rows = selected_rows(m, a.kernels);
  // The name column fits the longest row name ("6.12-latest", "4.18-rhel8.1").
  int w = 6;
  for (const KernelRow* r : rows)
    w = std::max(w, static_cast<int>(r->name.size()));
  std::printf("%-*s %-12s %-7s %-28s %-7s %s\n", w, "KERNEL", "SOURCES", "USES", "PIN", "CACHED",
              "PATH / NOTE");
  for (const KernelRow* r : rows) {
    const KernelSource* uses = nullptr;
    std::string cached = "no", where, reasons;
    if (auto img = cached_image_for(*r, ctx)) {
      uses = r->source_of(img->source_kind);
      cached = "yes";
      where = img->vmlinuz.string();
    } else {
      for (const auto& s : r->sources) {
        auto why = s->unavailable_reason(ctx);
        if (why.empty()) {
          uses = s.get();
          break;
        }
        reasons += (reasons.empty() ? "" : "; ") + s->kind() + ": " + why;
      }
      where = uses ? "fetchable: " + uses->describe() : "not available here: " + reasons;
      if (uses && uses->kind() == "local") cached = "local";
    }
    std::printf("%-*s %-12s %-7s %-28s %-7s %s\n", w, r->name.c_str(), r->kinds().c_str(),
                uses ? uses->kind().c_str() : "-",
                uses ? short_digest(uses->pin_summary()).c_str() : "-", cached.c_str(),
                where.c_str());
  }
  return 0;
}

int do_fetch(const KernelsArgs& a, CommandRunner& runner, HttpClient& http) {
  Matrix m = load_matrix_or_throw(a.matrix);
  const FetchContext ctx = make_fetch_context(a.matrix, runner, http, stderr_log());
  int rc = 0;
  for (const KernelRow* r : selected_rows(m, a.kernels)) {
    RowFetch got = fetch_row(*r, ctx);
    switch (got.status) {
    case FetchStatus::unavailable:
      std::printf("%-6s %s: %s\n", r->name.c_str(), a.kernels.empty() ? "skipped" : "error",
                  got.reason.c_str());
      if (!a.kernels.empty()) rc = 2;
      break;
    case FetchStatus::failed:
      std::printf("%-6s error: %s\n", r->name.c_str(), got.error.str().c_str());
      rc = 2;
      break;
    case FetchStatus::fetched:
      std::printf("%-6s %s %s (%s: %s)\n", r->name.c_str(),
                  got.image->from_cache ? "cached" : "fetched", got.image->vmlinuz.c_str(),
                  got.image->source_kind.c_str(), got.image->origin.c_str());
      break;
    }
  }
  return rc;
}

// Every slot under <cache>/kernels is accounted for: a sound entry, or DAMAGED with the reason
// (an entry without image.json is damage too, not something to skip). Nothing is deleted: the
// next fetch of that kernel replaces a damaged entry and says so.
int do_verify(const KernelsArgs& a, CommandRunner&, HttpClient&) {
  const fs::path cache = cache_dir_of(a.matrix);
  auto slots = scan_cache(cache);
  if (!slots) throw FatalError(slots.error().str());
  int bad = 0;
  for (const auto& s : *slots) {
    std::string why = s.damage;
    if (s.entry)
      if (auto v = verify_cached(*s.entry); !v) why = v.error().what;
    std::printf("%s %s %s\n", why.empty() ? "ok     " : "DAMAGED", s.path.filename().c_str(),
                why.empty() ? s.entry->info.origin.c_str() : why.c_str());
    if (!why.empty()) ++bad;
  }
  // Not damage (the cache is sound), but disk a killed fetch still holds; nothing is deleted.
  for (const auto& l : staging_leftovers(cache, kStagingGrace))
    std::printf("LEFTOVER %s %ju MiB: staging folder of an interrupted fetch (or of one still "
                "running); the next fetch removes it if nobody holds it\n",
                l.path.filename().c_str(), l.bytes / (1024 * 1024));
  std::printf("%zu entries, %d damaged (%s)\n", slots->size(), bad,
              kernels_cache_dir(cache).c_str());
  return bad ? 2 : 0;
}

// What a pin says about the build, for the old -> new lines of `lock --refresh`.
std::string pin_line(const nlohmann::ordered_json& pin) {
  if (!pin.is_object()) return "(none)";
  std::string s;
  auto add = [&](const char* key, bool labelled) {
    auto it = pin.find(key);
    if (it == pin.end() || !it->is_string() || it->get<std::string>().empty()) return;
    s += (s.empty() ? "" : " ") + (labelled ? std::string(key) + " " : "") + it->get<std::string>();
  };
  add("package", false);
  add("version", false);
  add("oci_digest", true);
  add("deb_sha256", true);
  add("vmlinuz_sha256", true);
  return s.empty() ? "(empty)" : s;
}

// Every source that keeps a pin in the lock is measured: a missing pin is added and an
// existing one completed (a deb_sha1, a first oci digest) without moving it. Rows named by
// --refresh roll forward to the newest version instead, with the old and new build printed,
// because their baselines then need recording again. A source that is not available here keeps
// its pin (or gets an explicitly empty one) so the file says what is unknown.
int do_lock(const KernelsArgs& a, CommandRunner& runner, HttpClient& http) {
  Matrix m = load_matrix_or_throw(a.matrix);
  const fs::path lock_path = a.matrix.lock;
  auto lock = load_lock(lock_path);
  if (!lock) throw FatalError(lock.error().str());
  const FetchContext ctx = make_fetch_context(a.matrix, runner, http, stderr_log());
  std::vector<std::string> names = a.kernels;
  for (const auto& r : a.refresh) {
    if (!m.find(r)) throw FatalError("unknown kernel '" + r + "' for --refresh");
    if (!a.kernels.empty() && std::find(names.begin(), names.end(), r) == names.end())
      names.push_back(r);
  }
  if (a.kernels.empty() && !a.refresh.empty()) names = a.refresh;
  int rc = 0;
  std::vector<std::string> moved;
  for (const KernelRow* r : selected_rows(m, names)) {
    const bool roll = std::find(a.refresh.begin(), a.refresh.end(), r->name) != a.refresh.end();
    for (const auto& s : r->sources) {
      if (!s->pinned_by_lock()) continue; // url, rpm, path, build: pinned in the matrix
      auto& slot = lock->pins[r->name][s->kind()];
      if (auto why = s->unavailable_reason(ctx); !why.empty()) {
        if (slot.is_null()) slot = s->lock_pin();
        std::printf("%-6s %-6s kept: %s\n", r->name.c_str(), s->kind().c_str(), why.c_str());
        if (roll) rc = 2;
        continue;
      }
      auto pin = s->refresh_pin(ctx, roll);
      if (!pin) {
        std::printf("%-6s %-6s error: %s\n", r->name.c_str(), s->kind().c_str(),
                    pin.error().str().c_str());
        rc = 2;
        continue;
      }
      const nlohmann::ordered_json old = slot;
      slot = *pin;
      if (!roll) {
        std::printf("%-6s %-6s %s\n", r->name.c_str(), s->kind().c_str(), pin->dump().c_str());
        continue;
      }
      if (old == *pin) {
        std::printf("%-6s %-6s already the newest: %s\n", r->name.c_str(), s->kind().c_str(),
                    pin_line(*pin).c_str());
        continue;
      }
      std::printf("%-6s %-6s old: %s\n%-6s %-6s new: %s\n", r->name.c_str(), s->kind().c_str(),
                  pin_line(old).c_str(), r->name.c_str(), s->kind().c_str(),
                  pin_line(*pin).c_str());
      moved.push_back(r->name);
    }
  }
  if (auto w = save_lock(lock_path, *lock); !w) throw FatalError(w.error().str());
  std::printf("wrote %s\n", lock_path.c_str());
  for (const auto& r : moved)
    std::printf("kernel %s now boots another build: re-record its baseline with `vmtest baseline "
                "update --kernel %s`, and commit it with the lock\n",
                r.c_str(), r.c_str());
  return rc;
}

} // namespace

void add_kernels_command(CLI::App& app, CommandList& out) {
  auto a = std::make_shared<KernelsArgs>();
  auto* cmd = app.add_subcommand("kernels", "Inspect, fetch, verify and pin kernel images");
  cmd->require_subcommand(1);
  using Run = int (*)(const KernelsArgs&, CommandRunner&, HttpClient&);
  struct Verb {
    const char* name;
    const char* help;
    Run run;
    bool takes_kernels;
  };
  static const Verb verbs[] = {
      {"list", "List matrix rows: the source a run would use, its pin, cache state and path",
       do_list, true},
      {"fetch", "Fetch every available row (or --kernel ...) into the cache", do_fetch, true},
      {"verify", "Re-hash every cache entry", do_verify, false},
      {"lock", "Refresh lock pins (debian versions, oci digests, local image hashes)", do_lock,
       true},
  };
  for (const Verb& v : verbs) {
    auto* sub = cmd->add_subcommand(v.name, v.help);
    add_matrix_options(sub, a->matrix);
    if (v.takes_kernels) sub->add_option("-k,--kernel", a->kernels, "Kernel row (repeatable)");
    if (v.run == do_lock)
      sub->add_option("--refresh", a->refresh,
                      "Roll this row's pins forward to the newest version, printing the old and "
                      "new build (repeatable); its baseline then needs recording again");
    out.push_back({sub, [a, sub, run = v.run] {
                     apply_settings(*sub, {&a->matrix, nullptr, nullptr, nullptr});
                     SubprocessRunner runner;
                     CurlHttpClient http;
                     return run(*a, runner, http);
                   }});
  }
}

} // namespace vmtest
