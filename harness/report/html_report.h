// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The HTML regression report: one self-contained file (inline CSS and JS, nothing fetched) that
// a reviewer opens from a CI artifact. It is rendered from the mustache templates in
// reports/templates with mstch. Every value taken from a run (program and section names,
// verifier log lines, console lines, error texts) goes through {{ }}, which HTML-escapes it,
// and the page's Content-Security-Policy only lets the page's own script run.
#include "core/result.h"
#include "report/html_escape.h"
#include "report/report_model.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

struct HtmlReportOptions {
  std::filesystem::path templates_dir; // empty: the templates embedded at build time
  std::string title = "vmtest verifier report";
  // From the report's folder to the run's output folder, which full log paths are relative to
  // ("" when the report sits in it, as `vmtest run` writes it).
  std::string logs_href_prefix;
};

// Without baselines the matrix shows accepted/rejected only.
Result<std::string> render_html_report(const ReportModel& model,
                                       const HtmlReportOptions& options = {});
// Renders and writes `out` atomically.
Result<void> write_html_report(const ReportModel& model, const std::filesystem::path& out,
                               const HtmlReportOptions& options = {});

// One row of a side-by-side log view; either side may be missing ("" kind).
struct SideBySideLine {
  std::string left, right;
  std::string kind; // "same", "changed", "removed" (left only), "added" (right only)
};
std::vector<SideBySideLine> side_by_side(const std::vector<std::string>& before,
                                         const std::vector<std::string>& after);

} // namespace vmtest
