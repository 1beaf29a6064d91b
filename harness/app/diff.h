// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `vmtest diff A B`: compare any two result sets, like `veristat -C`. A stands in for the
// baselines (every kernel of A is B's baseline), judged with the gate's policy and thresholds.
#include "gate/gate.h"
#include "results/results.h"

namespace vmtest {

// An error when the policy cannot be read.
Result<GateVerdict> diff_results(const RunResults& a, const RunResults& b, const GateOptions& gate);

} // namespace vmtest
