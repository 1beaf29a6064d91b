#pragma once
// The gate after a run: diff each kernel's results against bpf/baselines/<kernel>.json under
// the policy, and turn the findings into the exit code CI acts on.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "baseline/classify.h"
#include "baseline/policy.h"
#include "core/result.h"
#include "results/results.h"

namespace vmtest {

struct GateOptions {
  std::filesystem::path baselines_dir = "bpf/baselines";
  std::filesystem::path policy;  // empty: no policy file
  bool strict = false;           // new/removed programs and missing baselines FAIL
  Thresholds thresholds;
};

struct GateResult {
  std::vector<DiffReport> reports;  // one per kernel that has a baseline
  std::vector<std::string> notes;   // kernels without baselines, skipped kernels
  int exit_code = 0;                // 0 clean, 1 a FAIL finding, 2 no verdicts to compare
};

// Corrupt or unknown-version baselines and a bad policy file are errors (exit 2), never a
// silent pass.
Result<GateResult> gate_run(const RunResults& results, const GateOptions& opts);

// Loads the policy file when given; an empty path yields the default policy.
Result<Policy> load_policy_or_default(const std::filesystem::path& path, bool strict);

}  // namespace vmtest
