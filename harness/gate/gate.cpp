// SPDX-License-Identifier: BSD-2-Clause
#include "gate/gate.h"

#include <algorithm>
#include <set>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : sep) + x;
  return s;
}

// Zero programs verified is never "clean": a mistyped path or an empty build tree would keep
// CI green for ever. Say why, from what the run recorded about its corpus.
void corpus_findings(const RunResults& r, GateVerdict& v) {
  size_t with_verdicts = 0, skipped = 0, failed = 0;
  int64_t objects = 0, programs = 0;
  for (const auto& k : r.kernels) {
    if (k.status == KernelStatus::Skipped) ++skipped;
    if (is_failure(k.status)) ++failed;
    // A kernel that stopped early counts with the programs it reached.
    if (!k.has_verdicts()) continue;
    ++with_verdicts;
    objects = std::max<int64_t>(objects, static_cast<int64_t>(k.objects.size()));
    int64_t n = 0;
    for (const auto& o : k.objects)
      n += static_cast<int64_t>(o.programs.size());
    programs = std::max(programs, n);
  }
  if (r.corpus && r.corpus->total_objects == 0) {
    std::string msg =
        "0 programs verified: no BPF objects in " +
        (r.corpus->roots.empty() ? std::string("the corpus") : join(r.corpus->roots, ", ")) + " (" +
        std::to_string(r.corpus->files_scanned) +
        " files looked at recursively; none is an ELF object whose machine is BPF)";
    v.findings.push_back({FindingKind::EmptyCorpus, Severity::ERROR, msg});
    return;
  }
  if (with_verdicts == 0) {
    std::string why = r.kernels.empty() ? "the results hold no kernel"
                                        : std::to_string(skipped) + " skipped, " +
                                              std::to_string(failed) + " without verdicts";
    v.findings.push_back(
        {FindingKind::NoKernel, Severity::ERROR, "no kernel produced verdicts (" + why + ")"});
    return;
  }
  if (programs > 0) return;
  const std::string where =
      r.corpus && !r.corpus->roots.empty() ? join(r.corpus->roots, ", ") : "the corpus";
  if (r.corpus && r.corpus->objects == 0 && r.corpus->total_objects > 0) {
    v.findings.push_back({FindingKind::EmptyCorpus, Severity::INFO,
                          "this shard (" + r.corpus->shard + ") holds none of the corpus's " +
                              std::to_string(r.corpus->total_objects) + " objects"});
    return;
  }
  if (objects == 0) {
    std::string msg = "0 programs verified: no BPF objects in " + where;
    if (r.corpus)
      msg += " (" + std::to_string(r.corpus->files_scanned) +
             " files looked at recursively; none is an ELF object whose machine is BPF)";
    v.findings.push_back({FindingKind::EmptyCorpus, Severity::ERROR, msg});
    return;
  }
  v.findings.push_back({FindingKind::EmptyCorpus, Severity::ERROR,
                        "0 programs verified: " + std::to_string(objects) + " objects in " + where +
                            ", none holds a program that could be loaded (see the object errors)"});
}

// A canary row follows the newest kernel, so what changed on it is news, not a regression of
// the change under test: unless the policy says `canary: fail`, its FAILs become warnings here,
// in the one place verdicts are decided, and a kernel finding says so.
void soften_canary(DiffReport& r, const Policy& policy) {
  if (!r.result || !r.result->canary) return;
  if (policy.canary == CanaryPolicy::Fail) {
    r.kernel_findings.push_back({FindingKind::Canary, Severity::INFO,
                                 "canary row (follows the newest kernel); the policy says "
                                 "`canary: fail`, so its changes gate as usual"});
    return;
  }
  size_t softened = 0;
  auto soften = [&](Finding& f) {
    if (f.severity != Severity::FAIL) return;
    f.severity = Severity::WARN;
    f.message += " (canary: a warning)";
    ++softened;
  };
  for (auto& f : r.kernel_findings)
    soften(f);
  for (auto& p : r.programs)
    for (auto& f : p.findings)
      soften(f);
  r.kernel_findings.push_back(
      {FindingKind::Canary, softened ? Severity::WARN : Severity::INFO,
       "canary row (follows the newest kernel): " +
           (softened ? std::to_string(softened) + " change" + (softened == 1 ? "" : "s") +
                           " reported as warnings; set `canary: fail` in the policy to gate on it"
                     : std::string("nothing changed"))});
}

} // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
  case Outcome::Clean:
    return "clean";
  case Outcome::Regression:
    return "regression";
  case Outcome::Error:
    return "error";
  }
  return "?";
}

const DiffReport* GateVerdict::find(const std::string& kernel) const {
  for (const auto& k : kernels)
    if (k.kernel == kernel) return &k;
  return nullptr;
}

void finalise(GateVerdict& v) {
  Severity s = Severity::OK;
  for (const auto& f : v.findings)
    s = worst(s, f.severity);
  for (const auto& k : v.kernels)
    s = worst(s, k.severity());
  v.severity = s;
  v.outcome = s == Severity::FAIL    ? Outcome::Regression
              : s == Severity::ERROR ? Outcome::Error
                                     : Outcome::Clean;
  v.exit_code = v.outcome == Outcome::Regression ? 1 : v.outcome == Outcome::Error ? 2 : 0;
}

Result<Policy> load_policy_or_default(const fs::path& path, bool strict) {
  Policy policy;
  if (!path.empty()) {
    auto p = load_policy(path);
    if (!p) return p.error();
    policy = std::move(*p);
  }
  policy.strict = policy.strict || strict;
  return policy;
}

GateScope scope_of(const RunResults& results) {
  GateScope s;
  if (results.corpus) s.project_corpus = results.corpus->bundled;
  s.selected = results.selected;
  for (const auto& k : results.kernels)
    s.kernels.push_back(k.name);
  return s;
}

Comparison decide_comparison(const GateOptions& opts, const GateScope& scope) {
  if (opts.no_gate) return Comparison::NoGate;
  if (!opts.baselines_explicit && scope.project_corpus == false) return Comparison::OtherCorpus;
  return Comparison::Compare;
}

Result<GatePolicy> load_gate_policy(const GateOptions& opts) {
  auto policy = load_policy_or_default(opts.policy, opts.strict);
  if (!policy) return policy.error();
  GatePolicy g{std::move(*policy), opts.thresholds};
  g.policy.thresholds.apply_to(g.thresholds);
  return g;
}

Result<GateInputs> load_gate_inputs(const GateOptions& opts, const GateScope& scope) {
  GateInputs in;
  auto policy = load_gate_policy(opts);
  if (!policy) return policy.error();
  in.policy = std::move(policy->policy);
  in.thresholds = policy->thresholds;
  switch (decide_comparison(opts, scope)) {
  case Comparison::Compare:
    break;
  case Comparison::NoGate:
    in.compare = false;
    in.not_compared_reason = "--no-gate";
    break;
  case Comparison::OtherCorpus:
    in.compare = false;
    in.not_compared_reason =
        "the corpus is not the project's own (vmtest.yaml's) and no --baselines was given "
        "(record some with `vmtest baseline update --corpus DIR --baselines DIR2`)";
    break;
  }

  std::set<std::string> expected(opts.kernels.begin(), opts.kernels.end());
  if (expected.empty()) expected.insert(scope.selected.begin(), scope.selected.end());
  const bool whole_matrix = expected.empty();
  expected.insert(scope.kernels.begin(), scope.kernels.end());

  if (in.compare) {
    std::error_code ec;
    const fs::path& dir = opts.baselines_dir;
    if (!fs::is_directory(dir, ec)) {
      if (opts.baselines_explicit) return Error{"no such baseline directory", dir.string()};
    } else {
      // Every baseline in the folder is read, so a corrupt one is caught and, for a run of the
      // whole matrix, a baselined kernel that is missing from the results is noticed.
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".json") continue;
        const std::string kernel = entry.path().stem().string();
        if (!whole_matrix && !expected.count(kernel)) continue;
        auto b = load_baseline(entry.path());
        if (!b) return b.error();
        in.baselines.emplace(kernel, std::move(*b));
        // The host is whatever machine runs vmtest; it is expected only when asked for.
        if (whole_matrix && kernel != "host") expected.insert(kernel);
      }
      if (ec) return Error{"cannot list baselines: " + ec.message(), dir.string()};
    }
  }
  in.expected.assign(expected.begin(), expected.end());
  return in;
}

Result<GateInputs> load_gate_inputs(const RunResults& results, const GateOptions& opts) {
  return load_gate_inputs(opts, scope_of(results));
}

GateInputs resolve_gate(const GateOptions& opts, const GateScope& scope) {
  auto in = load_gate_inputs(opts, scope);
  if (in) return std::move(*in);
  GateInputs fallback;
  fallback.compare = false;
  fallback.not_compared_reason = "the baselines or the policy could not be read";
  fallback.unreadable = in.error();
  return fallback;
}

GateVerdict evaluate_gate(const RunResults& results, const GateInputs& in) {
  GateVerdict v;
  v.compared = in.compare;
  if (in.unreadable)
    v.findings.push_back({FindingKind::BadInput, Severity::ERROR, in.unreadable->str()});
  if (!in.compare)
    v.findings.push_back(
        {FindingKind::NotCompared, Severity::INFO,
         "not compared with baselines" +
             (in.not_compared_reason.empty() ? "" : ": " + in.not_compared_reason)});
  for (const auto& k : results.kernels) {
    auto it = in.compare ? in.baselines.find(k.name) : in.baselines.end();
    const Baseline* base = it == in.baselines.end() ? nullptr : &it->second;
    DiffReport r = diff_kernel(base, k, results.toolchain, in.policy, in.thresholds);
    if (in.compare && !base && k.has_verdicts())
      r.kernel_findings.push_back(
          {FindingKind::NoBaseline, in.policy.strict ? Severity::FAIL : Severity::WARN,
           "no baseline for kernel " + k.name +
               "; record one with `vmtest baseline update --kernel " + k.name + "`"});
    soften_canary(r, in.policy);
    v.kernels.push_back(std::move(r));
  }
  for (const auto& name : in.expected) {
    if (results.find(name)) continue;
    DiffReport r;
    r.kernel = name;
    r.kernel_findings.push_back(
        {FindingKind::KernelMissing, Severity::ERROR,
         "kernel " + name + " is missing from the results" +
             (in.baselines.count(name) ? " but has a baseline" : " but was selected") +
             " (did its job fail before writing results?)"});
    v.kernels.push_back(std::move(r));
  }
  corpus_findings(results, v);
  finalise(v);
  return v;
}

Result<GateVerdict> gate_run(const RunResults& results, const GateOptions& opts) {
  auto in = load_gate_inputs(results, opts);
  if (!in) return in.error();
  return evaluate_gate(results, *in);
}

GateVerdict compare_runs(const RunResults& a, const RunResults& b, const Policy& policy,
                         const Thresholds& thresholds) {
  std::set<std::string> names;
  for (const auto& k : a.kernels)
    names.insert(k.name);
  for (const auto& k : b.kernels)
    names.insert(k.name);
  GateVerdict v;
  v.compared = true;
  const Severity one_sided = policy.strict ? Severity::FAIL : Severity::INFO;
  for (const auto& name : names) {
    const KernelResult* ka = a.find(name);
    const KernelResult* kb = b.find(name);
    // A row neither run could boot here (no image source) has nothing to compare.
    const bool skipped_a = !ka || ka->status == KernelStatus::Skipped;
    const bool skipped_b = !kb || kb->status == KernelStatus::Skipped;
    if (skipped_a && skipped_b) continue;
    if (ka && kb && !ka->has_verdicts()) {
      DiffReport r;
      r.kernel = name;
      r.result = kb;
      r.kernel_findings.push_back({FindingKind::KernelFailed, Severity::ERROR,
                                   std::string("the reference run has no verdicts for kernel ") +
                                       name + ": status " + to_string(ka->status)});
      v.kernels.push_back(std::move(r));
    } else if (ka && kb) {
      const Baseline ref = baseline_from_kernel_result(*ka, a.toolchain);
      DiffReport r = diff_kernel(&ref, *kb, b.toolchain, policy, thresholds);
      // The reference's own unreached objects are unknown: what B verified beyond them shows as
      // new, so the comparison is marked incomplete.
      if (ka->partial())
        r.kernel_findings.push_back(
            {FindingKind::KernelFailed, Severity::ERROR,
             std::string("the reference run stopped early on kernel ") + name + " (" +
                 to_string(ka->status) + "): only the objects it reached are compared"});
      for (auto& row : r.programs)
        for (const auto& o : ka->objects)
          if (o.name == row.object)
            for (const auto& p : o.programs)
              if (p.name == row.program) row.base_result = &p;
      v.kernels.push_back(std::move(r));
    } else {
      DiffReport r;
      r.kernel = name;
      r.result = kb;
      r.kernel_findings.push_back({FindingKind::KernelMissing, one_sided,
                                   std::string("kernel ") + name + " is only in the " +
                                       (ka ? "first" : "second") + " run"});
      v.kernels.push_back(std::move(r));
    }
  }
  finalise(v);
  return v;
}

} // namespace vmtest
