#pragma once
// The gate: compare what a kernel said now with its golden baseline and classify every
// program. Acceptance changes FAIL in both directions (a program that starts loading still
// fails, so the baseline is updated deliberately); test_run outcome changes FAIL; stats
// moves beyond thresholds WARN (FAIL when the policy says so); log tail changes are INFO
// with a line diff; new and removed programs are reported and FAIL only under `strict`.
#include <optional>
#include <string>
#include <vector>

#include "baseline/baseline_file.h"
#include "baseline/policy.h"
#include "results/results.h"

namespace vmtest {

enum class Severity { OK, INFO, WARN, FAIL };
const char* severity_name(Severity s);

enum class Change {
  Unchanged,
  Regression,       // accepted -> rejected
  Improved,         // rejected -> accepted (still FAIL: update the baseline on purpose)
  ExpectedFail,     // policy says it fails, and it does
  UnexpectedPass,   // policy says it fails, but it loaded
  ErrnoChanged,     // still rejected, but with a different errno
  TestRunChanged,   // status, retval or data_out hash differ
  StatsMoved,       // insns/states beyond thresholds
  LogChanged,       // normalised log tail differs
  NewProgram,
  RemovedProgram,
  ObjectChanged,    // the object's sha256 differs from the baseline's
  ObjectError,      // the object could not be opened now (or no longer fails to open)
  Ignored,          // a policy rule said to ignore this program
  KernelChanged,    // the baseline was recorded on another kernel build
  KernelMissing,    // the run has no usable result for the kernel (boot failed, ...)
  CapabilityChanged,  // the kernel's probed helpers/types/config differ (INFO only)
};
const char* change_name(Change c);

struct Finding {
  Change change = Change::Unchanged;
  Severity severity = Severity::OK;
  std::string message;
};

struct ProgramDiff {
  std::string object;
  std::string program;
  std::optional<BaselineProgram> base;     // empty for a new program
  std::optional<BaselineProgram> current;  // empty for a removed program
  bool object_changed = false;             // flagged on every row of a changed object
  std::vector<Finding> findings;           // empty: unchanged
  std::vector<std::string> log_diff;       // unified-style lines when the log tail changed
  std::string policy_reason;               // reason of the policy rule that shaped this row

  Severity severity() const;
  bool has(Change c) const;
};

struct DiffReport {
  std::string kernel;
  std::vector<Finding> kernel_findings;  // kernel changed, kernel missing, ...
  std::vector<ProgramDiff> programs;     // sorted by object, then program
  bool infrastructure_error = false;     // no verdicts to compare (boot failed, timeout ...)

  Severity severity() const;
};

// Compares one kernel's current result against its baseline.
DiffReport diff_kernel(const Baseline& base, const KernelResult& current, const Policy& policy,
                       const Thresholds& thresholds);

// `vmtest diff A.json B.json`: A is the reference (as if it were the baseline), B the new run.
// One report per kernel in either run, sorted by kernel name.
std::vector<DiffReport> diff_runs(const RunResults& a, const RunResults& b, const Policy& policy,
                                  const Thresholds& thresholds);

// Unified-style line diff (dtl): "@@ -a,b +c,d @@" headers, then " ", "-", "+" lines.
std::vector<std::string> line_diff(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b);

// 1 when any report FAILs (a regression); else 2 when a kernel gave no verdicts
// (infrastructure); else 0.
int exit_code(const std::vector<DiffReport>& reports);
int exit_code(const DiffReport& report);

}  // namespace vmtest
