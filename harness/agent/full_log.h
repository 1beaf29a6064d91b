// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The agent's part of full logs: after an object's programs are loaded, keep the complete
// verifier log of every program results/full_log_selection.h selects, and the cost of its
// source lines. A rejected program's level 1 trace is already at hand (the loader keeps it);
// an accepted program that changed or came close to a limit is loaded once more with a large
// level 2 buffer (at level 1 the kernel keeps nothing of the paths that verified). Programs nothing selects cost nothing extra, unless the plan asks for
// every program's line costs (recording baselines with them).
#include "agent/program_loader.h"
#include "results/manifest.h"
#include "results/results.h"

#include <map>
#include <string>
#include <vector>

namespace vmtest {

// Cuts `text` to at most `cap` bytes, keeping its end (the error and the summary) from the
// start of a line; returns whether anything was cut.
bool cap_log(std::string& text, uint64_t cap);

// `baseline`: this row's expectations by "object/program" (null: no baseline for this row).
void collect_full_logs(const ManifestObject& object, const std::vector<ProgramInfo>& programs,
                       const FullLogPlan& plan,
                       const std::map<std::string, ProgramExpectation>* baseline,
                       const LoadOptions& opts, std::vector<ProgramResult>& results);

} // namespace vmtest
