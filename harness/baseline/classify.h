// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The diff stage: compare what one kernel said now with its golden baseline and classify every
// program. Acceptance changes FAIL in both directions (a program that starts loading still
// fails, so the baseline is updated deliberately); test_run outcome changes and missed testrun
// expectations FAIL; gated metrics moving beyond their thresholds WARN (FAIL when the policy
// says so); log tail changes are INFO with a line diff; new and removed programs are INFO and
// FAIL only under `strict`; an object that cannot be opened is an ERROR. Without a baseline the
// checks that need none still run. Turning findings into an exit code is gate/gate.h's job.
#include "baseline/baseline_file.h"
#include "baseline/finding.h"
#include "baseline/policy.h"
#include "results/results.h"

#include <optional>
#include <string>
#include <vector>

namespace vmtest {

struct ProgramDiff {
  std::string object;
  std::string program; // "*" for a row about the whole object (it could not be opened)
  std::optional<BaselineProgram> base;    // empty for a new program or without a baseline
  std::optional<BaselineProgram> current; // empty for a removed program
  const ProgramResult* result = nullptr;  // the full current result; points into the run
  // `vmtest diff` only: the reference run's full result, for the metrics baselines do not keep.
  const ProgramResult* base_result = nullptr;
  bool object_changed = false;       // flagged on every row of a changed object
  std::vector<Finding> findings;     // empty: unchanged
  std::vector<std::string> log_diff; // unified-style lines when the log tail changed
  std::string policy_reason;         // reason of the policy rule that shaped this row

  Severity severity() const;
  bool has(FindingKind k) const;
};

// One kernel's part of the verdict.
struct DiffReport {
  std::string kernel;
  const KernelResult* result = nullptr; // null: expected, but absent from the results
  bool compared = false;                // a baseline was compared with it
  std::vector<Finding> kernel_findings; // kernel changed, failed, skipped, no baseline ...
  std::vector<ProgramDiff> programs;    // sorted by object, then program

  Severity severity() const;
  // A finished kernel, or one that stopped early with the verdicts it reached.
  bool has_verdicts() const { return result && result->has_verdicts(); }
};

// Compares one kernel's current result with its baseline; `base` null means there is none
// and only the checks that need no baseline run (object errors, testrun expectations, policy
// expectations). `toolchain` is the run's, compared with the baseline's compiler.
DiffReport diff_kernel(const Baseline* base, const KernelResult& current,
                       const Toolchain& toolchain, const Policy& policy,
                       const Thresholds& thresholds);

// Unified-style line diff (dtl): "@@ -a,b +c,d @@" headers, then " ", "-", "+" lines.
std::vector<std::string> line_diff(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b);

// "errno 13: R1 invalid mem access" plus the helper the kernel lacks, when the log names one.
std::string rejection_detail(const BaselineProgram& p);

} // namespace vmtest
