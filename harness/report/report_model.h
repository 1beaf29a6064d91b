#pragma once
// What every report format shows, computed once: a program x kernel matrix whose cells carry a
// status (unchanged, regressed, improved, new, expected-fail ... or just accepted/rejected when
// there is no baseline), the findings behind it, and a headline verdict. The HTML page, JUnit,
// the step summary and the annotations are only different renderings of this model, so they
// can never disagree about what failed.
//
// The model points into the RunResults and DiffReports it was built from; keep them alive.
#include <map>
#include <string>
#include <vector>

#include "baseline/classify.h"
#include "results/results.h"

namespace vmtest {

struct ReportCell {
  std::string kernel;
  // Stable keys, used as CSS classes and filter values:
  //   with a baseline: regressed, object-error, unexpected-pass, improved, test-run-changed,
  //     new, removed, errno-changed, stats-moved, expected-fail, ignored, log-changed,
  //     unchanged (accepted as before), rejected-as-baselined (rejected as before);
  //   without one: accepted, rejected;
  //   either way: test-run-failed (a testrun/ expectation did not hold), absent (the program
  //     is not in this kernel's results), skipped / no-result (the kernel gave no verdicts).
  std::string status;
  Severity severity = Severity::OK;
  const ProgramResult* result = nullptr;  // the current result, if this kernel has one
  const ProgramDiff* diff = nullptr;      // null when the kernel has no baseline
  std::vector<Finding> findings;          // the diff's findings plus test_run expectations
};

struct ReportRow {
  std::string object;
  std::string program;  // "*" for a row about the whole object (it could not be opened)
  std::string section;
  std::string prog_type;
  std::vector<ReportCell> cells;  // one per kernel, in the run's kernel order
  Severity severity = Severity::OK;  // the worst cell
};

struct ReportKernel {
  const KernelResult* result = nullptr;
  const DiffReport* diff = nullptr;  // null: no baseline for this kernel
  Severity severity = Severity::OK;
  bool has_verdicts() const { return result && result->status == "ok"; }
};

struct ReportModel {
  const RunResults* run = nullptr;
  std::vector<ReportKernel> kernels;
  std::vector<ReportRow> rows;  // sorted by object, then program
  bool has_baselines = false;   // at least one kernel was compared with a baseline
  // "pass", "fail" (exit 1), "infra" (exit 2: a kernel gave no verdicts) or "no-baseline"
  // (nothing to compare, nothing failed).
  std::string verdict;
  int exit_code = 0;
  std::string headline;                 // one sentence, plain text
  std::map<std::string, int> counts;    // cells per status
  int failing_cells = 0;
};

// `diffs` may be empty (no baselines) or cover only some kernels; it is matched by kernel name.
ReportModel build_report_model(const RunResults& run, const std::vector<DiffReport>& diffs);

// Short words for a status key, e.g. "regressed" -> "Regressed", "rejected-as-baselined" ->
// "Rejected (as baselined)".
std::string status_label(const std::string& status);

// Lowest first: the order in which a reviewer wants to see rows.
int status_rank(const std::string& status);

}  // namespace vmtest
