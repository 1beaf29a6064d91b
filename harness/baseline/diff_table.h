// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Terminal rendering of one kernel's DiffReport: a verdict line, a table of the programs that
// have something to say (unchanged ones are only counted) with a column per metric the table
// marks `in_diff`, then the details: every finding's message, the policy reason that shaped a
// row, and log tail diffs. Used by `vmtest run -v`, `gate -v`, `diff` and `baseline update`.
#include "baseline/classify.h"
#include "verifier/line_cost.h"

#include <string>
#include <vector>

namespace vmtest {

std::string render_diff_table(const DiffReport& report, bool color);

// A metric's value on each side of a row, from the full results when the row has them (so
// metrics baselines do not keep still show in `vmtest diff`), else from the baseline view.
std::optional<int64_t> metric_before(const ProgramDiff& p, Metric m);
std::optional<int64_t> metric_after(const ProgramDiff& p, Metric m);
// When a program's processed insns grew and both sides have line costs: the source lines that
// account for it, largest growth first ("parser.bpf.c:42 +3,100 insns"). Empty otherwise.
std::vector<LineGrowth> insns_growth_lines(const ProgramDiff& p);
// Up to `n` of them as one line: "insns grew at parser.bpf.c:42 +3,100 insns, ...".
std::string describe_insns_growth(const ProgramDiff& p, size_t n = 3);

// "1200 -> 1500 (+25.0%)", "1500", or "-".
std::string metric_cell(const std::optional<int64_t>& a, const std::optional<int64_t>& b,
                        bool two_sided);

} // namespace vmtest
