// SPDX-License-Identifier: BSD-2-Clause
#include "cli/settings.h"

#include "app/paths.h"

#include <cstdio>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

std::string render(const fs::path& p) {
  return p.empty() ? "(none)" : p.string();
}
std::string render(const std::vector<fs::path>& v) {
  std::string s;
  for (const auto& p : v)
    s += (s.empty() ? "" : ", ") + p.string();
  return s.empty() ? "(none)" : s;
}
std::string render(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}
std::string render(bool b) {
  return b ? "true" : "false";
}
std::string render(int v) {
  return std::to_string(v);
}
std::string render(int64_t v) {
  return std::to_string(v);
}
std::string render(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Paths from vmtest.yaml are anchored at its folder; shown relative to the current directory
// when they lie below it, which keeps messages and results.json short and stable.
fs::path near(const fs::path& p) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec || !p.is_absolute()) return p;
  const fs::path rel = p.lexically_proximate(cwd);
  return rel.empty() || *rel.begin() == ".." ? p : rel;
}
std::vector<fs::path> near(const std::vector<fs::path>& v) {
  std::vector<fs::path> out;
  for (const auto& p : v)
    out.push_back(near(p));
  return out;
}
template <class T> const T& near(const T& v) {
  return v;
}

class Resolver {
public:
  Resolver(const CLI::App& cmd, const ProjectFile* file) : cmd_(cmd), file_(file) {}

  bool flag_given(const char* flag) const {
    if (!*flag) return false;
    const CLI::Option* o = cmd_.get_option_no_throw(flag);
    return o && o->count() > 0;
  }

  // One setting: the flag wins, then the file, then whatever default `target` holds.
  template <class T, class V>
  Origin take(const char* key, const char* flag, const std::optional<V>& from_file, T& target) {
    Setting s{key, flag, "", Origin::Default, "default"};
    if (flag_given(flag)) {
      s.origin = Origin::Flag;
      s.source = std::string("flag ") + flag;
    } else if (from_file) {
      target = near(*from_file);
      s.origin = Origin::File;
      s.source = file_->path.string() + ": " + key;
    }
    s.value = render(target);
    out_.push_back(std::move(s));
    return out_.back().origin;
  }

  // A setting without a flag or a single field (the kernel rows).
  void record(const char* key, const std::string& value, bool from_file) {
    out_.push_back({key, "", value, from_file ? Origin::File : Origin::Default,
                    from_file ? file_->path.string() + ": " + key : "default"});
  }

  // The value shown may differ from the field (a default filled in later, say).
  void show(const std::string& value) { out_.back().value = value; }
  void note_default(const std::string& why) {
    if (out_.back().origin == Origin::Default) out_.back().source = "default (" + why + ")";
  }

  std::vector<Setting> done() { return std::move(out_); }

private:
  const CLI::App& cmd_;
  const ProjectFile* file_;
  std::vector<Setting> out_;
};

std::optional<ProjectFile>& project_slot() {
  static std::optional<ProjectFile> p;
  return p;
}

} // namespace

const char* origin_name(Origin o) {
  switch (o) {
  case Origin::Default:
    return "default";
  case Origin::File:
    return "file";
  case Origin::Flag:
    return "flag";
  }
  return "?";
}

std::vector<Setting> apply_project(const CLI::App& cmd, const ProjectFile* f, SettingTargets t) {
  Resolver r(cmd, f);
  const ProjectFile empty;
  const ProjectFile& pf = f ? *f : empty;
  std::error_code ec;

  if (t.run) {
    RunArgs& a = *t.run;
    // The project's own corpus (vmtest.yaml's, or the one built with vmtest) is what the
    // project's baselines describe; a --corpus is compared only with a --baselines.
    const Origin corpus = r.take("corpus", "--corpus", pf.corpus, a.corpus);
    a.corpus_bundled = corpus == Origin::File;
    if (corpus == Origin::Default) {
      // The corpus built with vmtest, next to the binary in its build tree; its baselines are
      // bpf/baselines. An installed vmtest has none: the run then asks for --corpus.
      a.corpus.clear();
      if (auto dir = default_corpus_dir(); !dir.empty()) {
        a.corpus = {dir};
        a.corpus_bundled = true;
      }
      r.show(render(a.corpus));
      r.note_default(a.corpus_bundled ? "the corpus built with vmtest" : "no corpus");
    }
    r.take("testrun", "--testrun", pf.testrun, a.testrun_dir);
    r.take("out", "--out", pf.out, a.opts.out_dir);
    r.take("timeout", "--timeout", pf.timeout, a.timeout_s);
    if (!t.matrix) t.matrix = &a.matrix;
  }

  if (t.matrix) {
    MatrixOptions& m = *t.matrix;
    if (r.take("kernels.matrix", "--matrix", pf.matrix, m.matrix) == Origin::Default) {
      m.matrix = bundled_matrix();
      r.show(render(m.matrix));
      r.note_default("bundled with vmtest");
    }
    if (r.take("kernels.lock", "--lock", pf.lock, m.lock) == Origin::Default) {
      m.lock = m.matrix.parent_path() / "matrix.lock.json";
      r.show(render(m.lock));
      r.note_default("next to the matrix");
    }
    if (pf.rows) m.rows = *pf.rows;
    r.record("kernels.rows", pf.rows ? render(pf.rows->names) : "(none: the matrix's rows)",
             pf.rows.has_value());
    if (pf.kernel_defaults) m.defaults = *pf.kernel_defaults;
    r.record("kernels.defaults",
             pf.kernel_defaults ? render(*pf.kernel_defaults)
                                : std::string("(the matrix's defaults") +
                                      (pf.rows ? ", plus the rows added)" : ")"),
             pf.kernel_defaults.has_value());
    m.project_origin = pf.path.string();
  }

  if (t.gate) {
    GateArgs& g = *t.gate;
    // Only a flag makes the baselines "named": those of vmtest.yaml describe its corpus, and
    // the gate uses them for that corpus only (gate/gate.h, decide_comparison).
    if (r.take("baselines", "--baselines", pf.baselines, g.baselines_dir) == Origin::Flag)
      g.baselines_explicit = true;
    if (r.take("policy", "--policy", pf.policy, g.policy) == Origin::Default) {
      if (fs::exists("bpf/policy.yaml", ec)) g.policy = "bpf/policy.yaml";
      r.show(render(g.policy));
      r.note_default("bpf/policy.yaml when it exists");
    }
    r.take("strict", "--strict", pf.strict, g.strict);
    const auto& th = pf.thresholds;
    for (const auto& grp : kThresholdGroups) {
      ChangeLimits& limits = g.thresholds.change[grp.id];
      const std::string flag = "--" + std::string(grp.key);
      r.take(("thresholds." + pct_key(grp.id)).c_str(), (flag + "-pct").c_str(),
             th.change[grp.id].pct, limits.pct);
      r.take(("thresholds." + abs_key(grp.id)).c_str(), (flag + "-abs").c_str(),
             th.change[grp.id].abs, limits.abs);
    }
    r.take("thresholds.fail_on_stats", "--fail-on-stats", th.fail_on_stats,
           g.thresholds.fail_on_stats);
  }

  if (t.out) r.take("sources", "--sources", pf.sources, t.out->sources);
  return r.done();
}

Result<std::optional<ProjectFile>> load_project(const ProjectChoice& choice) {
  if (choice.none) return std::optional<ProjectFile>{};
  std::optional<fs::path> path;
  if (!choice.config.empty()) {
    path = choice.config;
  } else {
    std::error_code ec;
    path = find_project_file(fs::current_path(ec));
  }
  if (!path) return std::optional<ProjectFile>{};
  auto pf = load_project_file(*path);
  if (!pf) return pf.error();
  return std::optional<ProjectFile>(std::move(*pf));
}

void set_current_project(std::optional<ProjectFile> project) {
  project_slot() = std::move(project);
}

const ProjectFile* current_project() {
  return project_slot() ? &*project_slot() : nullptr;
}

std::vector<Setting> apply_settings(const CLI::App& cmd, SettingTargets targets) {
  return apply_project(cmd, current_project(), targets);
}

} // namespace vmtest
