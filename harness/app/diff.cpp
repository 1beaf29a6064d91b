// SPDX-License-Identifier: BSD-2-Clause
#include "app/diff.h"

namespace vmtest {

Result<GateVerdict> diff_results(const RunResults& a, const RunResults& b,
                                 const GateOptions& gate) {
  auto policy = load_gate_policy(gate);
  if (!policy) return policy.error();
  return compare_runs(a, b, policy->policy, policy->thresholds);
}

} // namespace vmtest
