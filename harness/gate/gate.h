// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The gate: the one place where a run's results, the baselines and the policy become a
// verdict. The verdict lists every finding with its severity and reason, per program, per
// kernel and for the run as a whole, and carries the exit code CI acts on:
//   0  clean: nothing worse than a warning;
//   1  regression: a FAIL finding (verdict flip, test_run change or missed expectation,
//      unexpected pass, and under --strict new/removed programs and missing baselines);
//   2  error: an ERROR finding and no FAIL (a kernel that should have run gave no verdicts, an
//      object cannot be opened, zero programs verified).
// `vmtest run`, `vmtest gate`, `vmtest report`, `vmtest diff` and every report format render
// this verdict; none of them decides anything on its own.
#include "baseline/baseline_file.h"
#include "baseline/classify.h"
#include "baseline/policy.h"
#include "core/result.h"
#include "results/results.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vmtest {

enum class Outcome { Clean, Regression, Error };
const char* outcome_name(Outcome o); // "clean", "regression", "error"

struct GateVerdict {
  std::vector<Finding> findings;   // about the run as a whole (empty corpus, no kernel ...)
  std::vector<DiffReport> kernels; // the results' kernels in order, then expected but missing ones
  bool compared = false;           // baselines took part
  Severity severity = Severity::OK;
  Outcome outcome = Outcome::Clean;
  int exit_code = 0;

  const DiffReport* find(const std::string& kernel) const;
};

// What was asked of the gate: flags, vmtest.yaml and the defaults every command shares.
struct GateOptions {
  std::filesystem::path baselines_dir = "bpf/baselines";
  bool baselines_explicit = false; // --baselines was given (vmtest.yaml's are the project's)
  bool no_gate = false;            // --no-gate: judge without the baselines
  std::filesystem::path policy;    // empty: no policy file
  bool strict = false;             // new/removed programs and missing baselines FAIL
  Thresholds thresholds;           // the flags' (the policy's override them)
  // The kernels the run must have verdicts for. Empty: the results' own selection (--kernel)
  // or, for a run of the whole matrix, every kernel that has a baseline.
  std::vector<std::string> kernels;
};

// What a set of results covers, as far as the gate cares. A run knows it before any guest
// boots (from what it was asked) and a results.json says it afterwards, so `vmtest run` and
// `vmtest gate` on its results resolve the same inputs.
struct GateScope {
  // The project's own corpus (vmtest.yaml's, or the one built with vmtest); nullopt: results
  // written before they said.
  std::optional<bool> project_corpus;
  std::vector<std::string> selected; // RunResults::selected
  std::vector<std::string> kernels;  // the kernels the results hold, in order
};
GateScope scope_of(const RunResults& results);

enum class Comparison {
  Compare,     // the baselines take part
  NoGate,      // --no-gate
  OtherCorpus, // a corpus other than the project's, and no --baselines
};
// The project's baselines describe the project's corpus: another corpus would only show every
// program as new or removed, so it is compared only with baselines named by --baselines.
Comparison decide_comparison(const GateOptions& opts, const GateScope& scope);

// The policy (the file's, or the default one) and the thresholds in effect: the flags', then
// the policy's on top.
struct GatePolicy {
  Policy policy;
  Thresholds thresholds;
};
Result<GatePolicy> load_gate_policy(const GateOptions& opts);

// Everything the gate reads besides the results, loaded and checked up front: a corrupt
// baseline or policy is an error naming its file, never a silent pass.
struct GateInputs {
  Policy policy;
  Thresholds thresholds;
  bool compare = true;
  std::string not_compared_reason;
  std::map<std::string, Baseline> baselines; // by kernel
  std::vector<std::string> expected;         // kernels that must be in the results
  // Set when the baselines or the policy could not be read: these inputs then judge without
  // baselines, and evaluate_gate reports this as an ERROR finding.
  std::optional<Error> unreadable;
};

Result<GateInputs> load_gate_inputs(const GateOptions& opts, const GateScope& scope);
Result<GateInputs> load_gate_inputs(const RunResults& results, const GateOptions& opts);

// The one resolution step every command takes before it judges (`vmtest run` takes it before
// any guest boots, and its full-log plan comes from the same inputs). It never fails: a corrupt
// baseline or policy must not pass, and must not hide what the run did either, so the inputs
// then judge without baselines and carry the error (exit 2 at least).
GateInputs resolve_gate(const GateOptions& opts, const GateScope& scope);

// Pure: the same results and inputs always give the same verdict.
GateVerdict evaluate_gate(const RunResults& results, const GateInputs& inputs);

// load_gate_inputs + evaluate_gate.
Result<GateVerdict> gate_run(const RunResults& results, const GateOptions& opts);

// `vmtest diff A B`: A stands in for the baselines (every kernel of A is B's baseline).
GateVerdict compare_runs(const RunResults& a, const RunResults& b, const Policy& policy,
                         const Thresholds& thresholds);

// Loads the policy file when given; an empty path yields the default policy.
Result<Policy> load_policy_or_default(const std::filesystem::path& path, bool strict);

// Sets severity, outcome and exit_code from the findings. The only place that maps findings to
// an exit code; evaluate_gate and compare_runs end with it.
void finalise(GateVerdict& v);

} // namespace vmtest
