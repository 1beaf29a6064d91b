// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// What the gate can say about a program, a kernel or the whole run. Every finding has a kind
// (one row of the table in finding.cpp: its name in reports and the matrix cell status it
// gives) and a severity. The severity alone decides the exit code (gate/gate.h), so every
// command and report that shows a finding agrees on what it means.
#include <string>

namespace vmtest {

// Ascending. FAIL (a regression: exit 1) ranks above ERROR (no verdict to judge: exit 2)
// because a regression must be what CI shows even when another kernel also broke.
enum class Severity { OK, INFO, WARN, ERROR, FAIL };
const char* severity_name(Severity s);
// `text` in the severity's terminal colour (red FAIL, magenta ERROR, yellow WARN, cyan INFO,
// green OK) when `color`; unchanged otherwise. The diff table and the verdict share it.
std::string paint(Severity s, const std::string& text, bool color);
inline Severity worst(Severity a, Severity b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

enum class FindingKind {
  // A program on one kernel, against its baseline (or on its own when there is none).
  Unchanged,
  Regression,         // accepted -> rejected
  Improved,           // rejected -> accepted (still FAIL: update the baseline on purpose)
  ExpectedFail,       // the policy says it fails, and it does
  UnexpectedPass,     // the policy says it fails, but it loaded
  ErrnoChanged,       // still rejected, with another errno
  TestRunChanged,     // test_run status, retval or data_out hash differ from the baseline
  TestRunExpectation, // a testrun/ case's declared expectation did not hold
  StatsMoved,         // a gated metric moved beyond its thresholds
  Headroom,           // a program uses a policy's warn/fail share of a kernel limit
  LogChanged,         // the normalised log tail differs
  NewProgram,
  RemovedProgram,
  NotVerified,   // in the baseline, but its kernel stopped early (timeout, panic ...) before it
  ObjectChanged, // the object's sha256 differs from the baseline's
  ObjectError,   // the object cannot be opened (or opens again)
  Ignored,       // a policy rule said to ignore this program
  // A kernel as a whole.
  KernelChanged,     // the baseline was recorded on another build of this row
  ToolchainChanged,  // libbpf or clang differ from the baseline's
  KernelMissing,     // expected (it has a baseline or was selected) but absent from the results
  KernelFailed,      // selected, but it gave no verdicts (boot failed, timeout, panic ...)
  KernelSkipped,     // its image source is not available here
  NoBaseline,        // verdicts but no baseline to compare them with
  CapabilityChanged, // probed helpers/types/config differ (explains moves; never gates)
  Canary,            // a canary row: its changes were reported as warnings (policy `canary:`)
  // The run as a whole.
  EmptyCorpus, // zero programs verified
  NoKernel,    // no kernel produced verdicts at all
  NotCompared, // the run was not compared with baselines, and why
  BadInput,    // a baseline or policy file could not be read: nothing was compared
  OutputError, // a report the command was asked for could not be written
};
// Stable lower-case name, e.g. "regression", "test-run-expectation".
const char* finding_name(FindingKind k);

struct Finding {
  FindingKind kind = FindingKind::Unchanged;
  Severity severity = Severity::OK;
  std::string message;
};

} // namespace vmtest
