// SPDX-License-Identifier: BSD-2-Clause
#include "cli/project_file.h"

#include "core/file_number.h"
#include "core/fs.h"

#include <algorithm>
#include <cstdlib>
#include <glob.h>
#include <yaml-cpp/yaml.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

// yaml-cpp throws; everything below throws this and parse_project_file turns it into an Error.
struct Invalid {
  std::string what;
  std::string where;
};

std::string at(const YAML::Node& n) {
  const auto m = n.Mark();
  return m.is_null() ? "" : " line " + std::to_string(m.line + 1);
}

void only_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
               const std::string& ctx) {
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
      throw Invalid{"unknown key '" + key + "' (expected " + list + ")", ctx + at(kv.first)};
    }
  }
}

class Reader {
public:
  Reader(fs::path path, const EnvLookup& env) : path_(std::move(path)), env_(env) {}

  std::string where(const YAML::Node& n, const std::string& key) const {
    return path_.string() + ": " + key + at(n);
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) throw Invalid{"'" + key + "' must be a single value", where(n, key)};
    return n.as<std::string>();
  }

  // A path relative to the file's folder, with ${NAME} expanded.
  fs::path path(const YAML::Node& n, const std::string& key) const {
    auto s = expand_env(scalar(n, key), env_);
    if (!s) throw Invalid{s.error().what, where(n, key)};
    if (s->empty()) throw Invalid{"'" + key + "' is empty", where(n, key)};
    return (path_.parent_path() / *s).lexically_normal();
  }

  // Judged by core/file_number.h: NaN, infinities and out-of-range values are refused.
  template <class T>
  T number(const YAML::Node& n, const std::string& key, NumberRange range) const {
    T v{};
    try {
      v = n.as<T>();
    } catch (const YAML::Exception&) {
      throw Invalid{"'" + key + "' must be a number", where(n, key)};
    }
    std::string why;
    if constexpr (std::is_floating_point_v<T>)
      why = number_problem(static_cast<double>(v), range);
    else
      why = number_problem(static_cast<int64_t>(v), range);
    if (!why.empty()) throw Invalid{"'" + key + "' " + why, where(n, key)};
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    try {
      return n.as<bool>();
    } catch (const YAML::Exception&) {
      throw Invalid{"'" + key + "' must be true or false", where(n, key)};
    }
  }

  std::vector<YAML::Node> list(const YAML::Node& n, const std::string& key) const {
    if (n.IsScalar()) return {n};
    if (!n.IsSequence()) throw Invalid{"'" + key + "' must be a list", where(n, key)};
    return {n.begin(), n.end()};
  }

  // Corpus entries: folders, files or globs. A glob is expanded here (sorted, as glob(3) does)
  // and must match something: a mistyped pattern must not pass as an empty corpus.
  std::vector<fs::path> corpus(const YAML::Node& n) const {
    std::vector<fs::path> out;
    for (const auto& item : list(n, "corpus")) {
      const fs::path p = path(item, "corpus");
      if (p.string().find_first_of("*?[") == std::string::npos) {
        out.push_back(p);
        continue;
      }
      glob_t g{};
      const int rc = ::glob(p.c_str(), 0, nullptr, &g);
      std::vector<fs::path> hits(g.gl_pathv, g.gl_pathv + g.gl_pathc);
      globfree(&g);
      if (rc != 0 || hits.empty())
        throw Invalid{"corpus pattern '" + p.string() + "' matches nothing", where(item, "corpus")};
      out.insert(out.end(), hits.begin(), hits.end());
    }
    if (out.empty()) throw Invalid{"'corpus' is an empty list", where(n, "corpus")};
    return out;
  }

  std::vector<std::string> names(const YAML::Node& n, const std::string& key) const {
    std::vector<std::string> out;
    for (const auto& item : list(n, key)) {
      auto s = scalar(item, key);
      if (s.empty()) throw Invalid{"'" + key + "' entries must be non-empty", where(item, key)};
      if (std::find(out.begin(), out.end(), s) != out.end())
        throw Invalid{"'" + key + "' lists '" + s + "' twice", where(item, key)};
      out.push_back(std::move(s));
    }
    return out;
  }

  // The rows are handed to parse_matrix as a matrix document of their own. Its line numbers
  // would be those of the re-emitted text, so errors name the row instead (parse_matrix does).
  ProjectRows rows(const YAML::Node& n) const {
    if (!n.IsSequence() || n.size() == 0)
      throw Invalid{"'kernels.rows' must be a non-empty list", where(n, "kernels.rows")};
    ProjectRows r;
    YAML::Emitter e;
    e << YAML::BeginMap << YAML::Key << "kernels" << YAML::Value << n << YAML::EndMap;
    r.yaml = std::string(e.c_str()) + "\n";
    r.origin = path_.string() + ": kernels.rows";
    r.base_dir = path_.parent_path();
    for (const auto& row : n)
      if (row.IsMap() && row["name"] && row["name"].IsScalar())
        r.names.push_back(row["name"].as<std::string>());
    return r;
  }

private:
  fs::path path_;
  const EnvLookup& env_;
};

// [A-Za-z_][A-Za-z0-9_]*, scanned by hand: std::regex matches recursively, once per character,
// and a 50 000-character name overflowed the stack.
bool is_env_name(std::string_view s) {
  const auto alpha = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  if (s.empty() || !alpha(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

} // namespace

Result<std::string> expand_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("${", i);
    if (open == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, open - i));
    const size_t close = text.find('}', open);
    if (close == std::string_view::npos)
      return Error{"unterminated ${ in '" + std::string(text) + "'", "environment reference"};
    std::string_view body = text.substr(open + 2, close - open - 2);
    std::optional<std::string> fallback;
    if (const size_t dash = body.find(":-"); dash != std::string_view::npos) {
      fallback = std::string(body.substr(dash + 2));
      body = body.substr(0, dash);
    }
    const std::string name(body);
    if (!is_env_name(name))
      return Error{"'${" + std::string(text.substr(open + 2, close - open - 2)) +
                       "}' is not ${NAME} or ${NAME:-default}",
                   "environment reference"};
    const std::string value = env(name);
    if (!value.empty())
      out += value;
    else if (fallback)
      out += *fallback;
    else
      return Error{"environment variable " + name + " is not set (write ${" + name +
                       ":-default} for a default)",
                   "environment reference"};
    i = close + 1;
  }
  return out;
}

std::optional<fs::path> find_project_file(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  for (;;) {
    const fs::path candidate = dir / kProjectFileName;
    if (fs::is_regular_file(candidate, ec)) return candidate;
    if (!dir.has_relative_path()) return std::nullopt; // reached "/"
    dir = dir.parent_path();
  }
}

Result<ProjectFile> parse_project_file(std::string_view text, const fs::path& path,
                                       const EnvLookup& env) {
  ProjectFile pf;
  pf.path = path;
  pf.dir = path.parent_path();
  const Reader r(path, env);
  const std::string ctx = path.string();
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) return pf; // an empty (or all-comment) file sets nothing
    if (!root.IsMap()) throw Invalid{"top level must be a map of settings", ctx};
    only_keys(root,
              {"corpus", "sources", "testrun", "baselines", "policy", "out", "timeout", "strict",
               "thresholds", "kernels"},
              ctx);
    if (auto n = root["corpus"]) pf.corpus = r.corpus(n);
    if (auto n = root["sources"]) pf.sources = r.path(n, "sources");
    if (auto n = root["testrun"]) pf.testrun = r.path(n, "testrun");
    if (auto n = root["baselines"]) pf.baselines = r.path(n, "baselines");
    if (auto n = root["policy"]) pf.policy = r.path(n, "policy");
    if (auto n = root["out"]) pf.out = r.path(n, "out");
    if (auto n = root["timeout"]) {
      pf.timeout = r.number<int>(n, "timeout", NumberRange::AboveZero);
    }
    if (auto n = root["strict"]) pf.strict = r.boolean(n, "strict");
    if (auto t = root["thresholds"]; t && !t.IsNull()) {
      if (!t.IsMap()) throw Invalid{"'thresholds' must be a map", r.where(t, "thresholds")};
      // The policy's keys: <group>_pct and <group>_abs per threshold group, and fail_on_stats.
      std::vector<std::string> keys;
      for (const auto& g : kThresholdGroups) {
        keys.push_back(pct_key(g.id));
        keys.push_back(abs_key(g.id));
      }
      keys.push_back("fail_on_stats");
      only_keys(t, keys, ctx + ": thresholds");
      auto& th = pf.thresholds;
      const auto z = NumberRange::AtLeastZero;
      for (const auto& g : kThresholdGroups) {
        const std::string pct = pct_key(g.id), abs = abs_key(g.id);
        if (auto n = t[pct]) th.change[g.id].pct = r.number<double>(n, "thresholds." + pct, z);
        if (auto n = t[abs]) th.change[g.id].abs = r.number<int64_t>(n, "thresholds." + abs, z);
      }
      if (auto n = t["fail_on_stats"]) th.fail_on_stats = r.boolean(n, "thresholds.fail_on_stats");
    }
    if (auto k = root["kernels"]; k && !k.IsNull()) {
      if (!k.IsMap()) throw Invalid{"'kernels' must be a map", r.where(k, "kernels")};
      only_keys(k, {"matrix", "lock", "defaults", "rows"}, ctx + ": kernels");
      if (auto n = k["matrix"]) pf.matrix = r.path(n, "kernels.matrix");
      if (auto n = k["lock"]) pf.lock = r.path(n, "kernels.lock");
      if (auto n = k["defaults"]) pf.kernel_defaults = r.names(n, "kernels.defaults");
      if (auto n = k["rows"]) pf.rows = r.rows(n);
    }
    return pf;
  } catch (const Invalid& e) {
    return Error{e.what, e.where};
  } catch (const YAML::Exception& e) {
    return Error{std::string("invalid YAML: ") + e.what(), ctx};
  }
}

Result<ProjectFile> load_project_file(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_project_file(*text, path);
}

std::string starter_project_file() {
  return R"(# vmtest.yaml: what `vmtest run` verifies here, found by walking up from the current
# directory. Paths are relative to this file and may use ${NAME} or ${NAME:-default}.
# Flags override every value; `vmtest config` prints what is in effect and where it came from.

# BPF objects: folders (searched recursively for ELF files whose machine is BPF), files or
# globs. Build them first (e.g. `make -C bpf`); the gate fails on an empty corpus.
corpus:
  - build/bpf

# Where the *.bpf.c sources live, so CI annotations point at the failing program's SEC() line.
# sources: bpf

# BPF_PROG_TEST_RUN cases: <object stem>.yaml per object (see vmtest's README).
testrun: testrun

# Golden verdicts, one <kernel>.json per row. Record or refresh them with
#   vmtest baseline update
# and commit them; every run is compared with them.
baselines: bpf/baselines

# Expected failures, threshold overrides and ignore rules, each with a reason (optional).
# policy: bpf/policy.yaml

# Results, report.html and each guest's console log.
out: vmtest-out

# Per-VM timeout in seconds.
# timeout: 180

# Stats moves that warn (both the percentage and the absolute change must be exceeded), or
# fail with fail_on_stats. New or removed programs fail only with strict.
# strict: false
# thresholds:
#   insns_pct: 10
#   insns_abs: 100
#   states_pct: 10
#   states_abs: 10
#   fail_on_stats: false

# Kernel rows: vmtest's bundled matrix (Debian 5.10, 6.1 and 6.12 by default; RHEL 8.10's
# 4.18, 5.15 and 6.6 from an OCI registry) plus any rows declared here. A row named like a bundled
# one replaces it; a new row joins the default selection. Rows use the matrix format
# (`vmtest kernels list` shows the bundled rows): debian, oci, rpm, url, path or build.
kernels:
  # defaults: ["5.10", "6.1", "6.12"]   # rows a run boots when no --kernel is given
  # rows:
  #   - name: fleet
  #     description: our production kernel
  #     source:
  #       path:
  #         vmlinuz: kernels/fleet/vmlinuz
  #   - name: fleet-next
  #     description: next quarter's kernel, from our artifact store
  #     source:
  #       url:
  #         url: ${KERNEL_STORE}/vmlinuz-6.6.60
  #         sha256: <64 hex digits>
)";
}

} // namespace vmtest
