// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Markdown for $GITHUB_STEP_SUMMARY: the headline, a compact program x kernel matrix (only the
// rows with something to say once baselines exist), then every failing program with its
// findings and its last verifier log lines, and the console tail of kernels that gave no
// verdicts. Run values are escaped so they cannot add markup, links or HTML.
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

// Inline markdown text: backslash-escapes markdown punctuation and turns < > & into entities.
std::string markdown_escape(std::string_view text);
// A fenced code block whose fence is longer than any backtick run inside `body`.
std::string markdown_code_block(const std::string& body, const std::string& lang = "text");
// An inline code span (a file name) whose fence is longer than any backtick run inside it, so
// the text cannot close the span early and reach the page as markup.
std::string markdown_code_span(std::string_view text);

} // namespace vmtest
