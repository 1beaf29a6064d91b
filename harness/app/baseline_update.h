// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `vmtest baseline update`: record what each kernel says now as its golden baseline. It shows
// the same diff view as `vmtest run` first, writes each file atomically, and refuses to record
// a kernel that did not produce verdicts.
#include "app/run.h"
#include "gate/gate.h"
#include "results/results.h"

#include <string>
#include <vector>

namespace vmtest {

// Where the lines of an update go: `note` for one-line messages (stderr), `print` for the
// diff tables (stdout), `color` for those tables.
struct UpdateOutput {
  Say note;
  Say print;
  bool color = false;
};

// `--from results.json --kernel K`: only the kernels named (all when `names` is empty).
void keep_kernels(RunResults& results, const std::vector<std::string>& names);

// Writes the baselines of `results` into gate.baselines_dir and returns the exit code: 0, or 2
// when a kernel gave no verdicts or a file could not be written (the others are still
// written). An error (exit 2 before anything is written) when the corpus is not the project's
// and no --baselines was given, or the policy cannot be read.
Result<int> update_baselines(const RunResults& results, const GateOptions& gate,
                             const UpdateOutput& out);

} // namespace vmtest
