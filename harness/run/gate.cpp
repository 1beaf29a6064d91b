#include "run/gate.h"

namespace vmtest {
namespace fs = std::filesystem;

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

Result<GateResult> gate_run(const RunResults& results, const GateOptions& opts) {
  auto policy = load_policy_or_default(opts.policy, opts.strict);
  if (!policy) return policy.error();
  Thresholds thresholds = opts.thresholds;
  policy->thresholds.apply_to(thresholds);

  GateResult out;
  bool missing_baseline = false;
  for (const auto& k : results.kernels) {
    if (k.status == "skipped") continue;
    fs::path path = baseline_path(opts.baselines_dir, k.name);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      out.notes.push_back("no baseline for kernel " + k.name + " (" + path.string() +
                          "); record one with `vmtest baseline update --kernel " + k.name + "`");
      missing_baseline = true;
      continue;
    }
    auto base = load_baseline(path);
    if (!base) return base.error();
    out.reports.push_back(diff_kernel(*base, k, *policy, thresholds));
  }
  out.exit_code = exit_code(out.reports);
  if (out.exit_code == 0 && missing_baseline && policy->strict) out.exit_code = 1;
  return out;
}

}  // namespace vmtest
