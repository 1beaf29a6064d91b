// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Writes the formats a command asked for (report_formats.h) from one verdict: one ReportModel,
// every file written before anything is printed, and a file that cannot be written made an
// ERROR finding of the verdict, so that every output holds the same, final verdict.
#include "gate/gate.h"
#include "report/report_formats.h"
#include "results/results.h"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vmtest {

// What a command asked for, by format name (ReportFormat::name).
struct ReportRequests {
  std::map<std::string, std::filesystem::path, std::less<>> files; // File formats: their FILE
  std::set<std::string, std::less<>> flags;                        // flag formats asked for
  std::string step_summary_file; // $GITHUB_STEP_SUMMARY; empty when it is not set
};

struct WrittenReports {
  std::vector<std::filesystem::path> written; // files that hold the final verdict, in order
  std::string printed;                        // the Stdout formats' text, to print
};

// Renders every requested format of `verdict` and writes the files and the step summary.
// Never fails: a file that cannot be written, or a step summary with nowhere to go, is an
// OutputError finding of `verdict`, which is then finalised; the files written before it are
// rewritten with the final verdict, or removed, so that no file says less than the truth.
WrittenReports write_reports(const RunResults& results, GateVerdict& verdict,
                             const ReportRequests& requests, const FormatOptions& options);

} // namespace vmtest
