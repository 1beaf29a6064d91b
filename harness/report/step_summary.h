// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Markdown for $GITHUB_STEP_SUMMARY: the headline, a compact program x kernel matrix (only the
// rows with something to say once baselines exist), then every failing program with its
// findings and its last verifier log lines, and the console tail of kernels that gave no
// verdicts. Run values are escaped so they cannot add markup, links or HTML.
#include "report/markdown_escape.h"
#include "report/report_model.h"

#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

struct StepSummaryOptions {
  size_t max_rows = 60;     // matrix rows before "... and N more"
  size_t max_failures = 25; // failing programs shown in detail
  size_t log_lines = 10;    // last log lines per failing program
  std::string report_name;  // e.g. "report.html" to point at the artifact; empty: no mention
};

std::string render_step_summary(const ReportModel& model, const StepSummaryOptions& options = {});

} // namespace vmtest
