// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// What every report format shows, laid out once from the gate's verdict: a program x kernel
// matrix whose cells carry a status (unchanged, regressed, improved, new, expected-fail ... or
// just accepted/rejected when there is no baseline), the findings behind it and the cause of a
// rejection. It is built once per verdict; the HTML page, JUnit, the step summary and the
// annotations are renderings of it (report_formats.h), and none of them judges anything:
// severities, the outcome and the exit code come from the GateVerdict.
//
// The model points into the RunResults and GateVerdict it was built from; keep them alive.
#include "gate/gate.h"
#include "results/headroom.h"
#include "results/results.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vmtest {

// What a matrix cell says. Declaration order is the rank, most important first: a cell shows
// the most important thing that happened to it, and a reviewer sees rows in this order.
enum class CellStatus {
  // From the finding that matters most (a program finding; cell_status_of below):
  Regressed,
  ObjectError,
  NoResult,    // the kernel gave no verdicts (boot failure, timeout ...)
  NotVerified, // the kernel stopped before it reached this program's object
  UnexpectedPass,
  Improved,
  TestRunChanged,
  TestRunFailed,
  New,
  Removed,
  ErrnoChanged,
  NearLimit,
  StatsMoved,
  LogChanged,
  ExpectedFail,
  Ignored,
  // No finding decided the cell:
  Rejected,            // no baseline
  RejectedAsBaselined, // rejected as before
  Accepted,            // no baseline
  Unchanged,           // accepted as before
  Absent,              // not in this kernel's results
  Skipped,             // the kernel was skipped (its image source is not available here)
};
inline constexpr size_t kCellStatusCount = static_cast<size_t>(CellStatus::Skipped) + 1;

// The stable key, used as a CSS class and filter value: "regressed", "rejected-as-baselined".
const char* to_string(CellStatus s);
// Short words for a status, e.g. "rejected (as baselined)", "near a limit".
std::string status_label(CellStatus s);
// Lowest first: the order in which a reviewer wants to see rows.
constexpr int status_rank(CellStatus s) {
  return static_cast<int>(s);
}
// The status a program finding gives its cell, or nullopt for findings that do not decide a
// cell (kernel and run findings, flags such as object-changed).
std::optional<CellStatus> cell_status_of(FindingKind k);

struct ReportCell {
  std::string kernel;
  CellStatus status = CellStatus::Absent;
  Severity severity = Severity::OK;
  const ProgramResult* result = nullptr; // the current result, if this kernel has one
  const ProgramDiff* diff = nullptr;     // the verdict's row for this program on this kernel
  std::vector<Finding> findings;         // the row's findings
  // Why the kernel rejected the program, from the capabilities it recorded: "bpf_loop is
  // absent on 5.10" says more to a reviewer than the raw log. Empty when nothing explains it.
  std::string cause;
};

struct ReportRow {
  std::string object;
  std::string program; // "*" for a row about the whole object (it could not be opened)
  std::string section;
  std::string prog_type;
  std::vector<ReportCell> cells;    // one per kernel, in ReportModel::kernels order
  Severity severity = Severity::OK; // the worst cell
  // Kernel pairs of the same build on two architectures ("6.1" and "6.1-arm64") that gave
  // this program different verdicts: "6.1 accepted, 6.1-arm64 rejected". Empty when none.
  std::vector<std::string> arch_differences;
};

// One line of a kernel's "closest to the limit" table (results/headroom.h).
struct HeadroomEntry {
  std::string object;
  std::string program;
  std::vector<FractionUse> uses;    // every fraction known, in kFractions order
  FractionUse top{};                // the one closest to its limit
  Severity severity = Severity::OK; // the worst headroom finding the gate made for it
};

struct ReportKernel {
  std::string name;
  std::string arch; // the row's architecture; "x86_64" for results that predate arm64 rows
  const KernelResult* result = nullptr; // null: expected but missing from the results
  const DiffReport* diff = nullptr;     // the verdict's part for this kernel
  Severity severity = Severity::OK;
  // Accepted programs: those with a headroom finding first, then by the fraction closest to
  // its limit, highest first; at most kClosestToLimit of them.
  std::vector<HeadroomEntry> closest;
  bool has_verdicts() const { return result && result->has_verdicts(); } // partial ones too
  bool skipped() const { return result && result->status == KernelStatus::Skipped; }
};

struct ReportModel {
  const RunResults* run = nullptr;
  const GateVerdict* verdict = nullptr;
  // Grouped by architecture (x86_64 first), each group in the verdict's kernel order, so the
  // columns of one architecture stand together and a verdict that differs by arch stands out.
  std::vector<ReportKernel> kernels;
  std::vector<ReportRow> rows; // sorted by object, then program
  bool has_baselines = false;  // at least one kernel was compared with a baseline
  // The outcome as a CSS word: "fail" (exit 1), "infra" (exit 2), "pass" (compared, clean) or
  // "no-baseline" (clean, nothing compared).
  std::string verdict_key;
  int exit_code = 0;
  std::string headline;              // one sentence, plain text (gate_text.h)
  std::map<CellStatus, int> counts;  // cells per status
  int failing_cells = 0;             // cells with a FAIL finding
};

// The kernel of another architecture built from the same source as `k`: by the matrix's
// naming, "<row>-arm64" is the arm64 twin of "<row>". Null when the model has none.
const ReportKernel* arch_twin(const ReportModel& m, const ReportKernel& k);

// Rows of each kernel's "closest to the limit" table in the HTML report, the step summary and
// the PR comment.
inline constexpr size_t kClosestToLimit = 5;

ReportModel build_report_model(const RunResults& run, const GateVerdict& verdict);

} // namespace vmtest
