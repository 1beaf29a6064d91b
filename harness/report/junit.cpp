// SPDX-License-Identifier: BSD-2-Clause
#include "report/junit.h"

#include "report/report_model.h"
#include "report/xml_escape.h"

#include <cstdio>

namespace vmtest {

namespace {

std::string attr(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + xml_escape(value) + "\"";
}

// The last lines of the log: what explains a failure without opening the HTML report.
std::string log_excerpt(const ReportCell& c, size_t n) {
  if (!c.result) return "";
  const auto& tail = c.result->log_tail;
  std::string s;
  for (size_t i = tail.size() > n ? tail.size() - n : 0; i < tail.size(); ++i)
    s += tail[i] + "\n";
  return s;
}

} // namespace

std::string render_junit(const ReportModel& m) {
  std::string suites;
  int all_tests = 0, all_fail = 0, all_err = 0, all_skip = 0;
  for (size_t k = 0; k < m.kernels.size(); ++k) {
    const ReportKernel& rk = m.kernels[k];
    static const KernelResult kMissing;
    const KernelResult& kr = rk.result ? *rk.result : kMissing;
    std::string cases;
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const auto& row : m.rows) {
      const ReportCell& c = row.cells[k];
      ++tests;
      cases += "    <testcase" + attr("classname", rk.name + "/" + row.object) +
               attr("name", row.program) + attr("time", "0") + ">\n";
      if (c.status == CellStatus::Skipped || c.status == CellStatus::Absent) {
        ++skipped;
        std::string why =
            c.status == CellStatus::Skipped
                ? "kernel " + rk.name + " skipped" + (kr.error.empty() ? "" : ": " + kr.error)
                : "not in kernel " + rk.name + "'s results";
        cases += "      <skipped" + attr("message", why) + "/>\n";
      } else if (c.status == CellStatus::NoResult) {
        ++errors;
        const std::string status = rk.result ? to_string(kr.status) : "missing";
        std::string why = "no verdicts from kernel " + rk.name + ": " + status +
                          (kr.error.empty() ? "" : " (" + kr.error + ")");
        std::string console;
        for (const auto& l : kr.console_tail)
          console += l + "\n";
        cases += "      <error" + attr("message", why) + attr("type", status) + ">" +
                 xml_escape(console) + "</error>\n";
      } else if (c.severity == Severity::FAIL || c.severity == Severity::ERROR) {
        // The verdict's severities decide: FAIL is a failure, ERROR an error (exit 2).
        const bool fail = c.severity == Severity::FAIL;
        ++(fail ? failures : errors);
        std::string first, body;
        for (const auto& f : c.findings) {
          if (f.severity == c.severity && first.empty()) first = f.message;
          body += std::string(severity_name(f.severity)) + " " + finding_name(f.kind) + ": " +
                  f.message + "\n";
        }
        if (c.diff && !c.diff->policy_reason.empty())
          body += "policy: " + c.diff->policy_reason + "\n";
        if (first.empty())
          first = status_label(c.status) + " on kernel " + rk.name + " (" + to_string(kr.status) +
                  (kr.running_object.empty() ? "" : " at " + kr.running_object) + ")";
        std::string log = log_excerpt(c, 10);
        if (!log.empty()) body += "\nlast verifier log lines:\n" + log;
        const char* tag = fail ? "failure" : "error";
        cases += std::string("      <") + tag + attr("message", first) +
                 attr("type", to_string(c.status)) + ">" + xml_escape(body) + "</" + tag + ">\n";
      }
      // Always say what happened, so a passing case is not an empty box in the viewer.
      if (c.result || !c.findings.empty()) {
        std::string out = "status: " + status_label(c.status) + "\n";
        if (c.result) {
          out += std::string("verdict: ") + to_string(c.result->verdict);
          for (const auto& d : kMetrics)
            if (d.in_diff && c.result->metrics[d.id])
              out += ", " + std::string(d.label) + " " + std::to_string(*c.result->metrics[d.id]);
          if (c.result->err) out += ", errno " + std::to_string(c.result->err);
          out += std::string("\ntest_run: ") + to_string(c.result->test_run.status) + "\n";
        }
        for (const auto& f : c.findings)
          if (f.severity != c.severity || c.severity < Severity::ERROR)
            out += std::string(severity_name(f.severity)) + " " + f.message + "\n";
        cases += "      <system-out>" + xml_escape(out) + "</system-out>\n";
      }
      cases += "    </testcase>\n";
    }
    std::string props;
    for (auto [name, value] :
         {std::pair{"status", std::string(rk.result ? to_string(kr.status) : "missing")},
          std::pair{"image", kr.image}, std::pair{"image_sha256", kr.image_sha256},
          std::pair{"release", kr.kernel_release}, std::pair{"accel", kr.accel}})
      if (!value.empty())
        props += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
    char boot[32];
    std::snprintf(boot, sizeof boot, "%.3f", kr.boot_seconds);
    // Kernel-level findings that fail or error (e.g. a missing kernel) are a testcase of their own.
    for (const auto& f : rk.diff->kernel_findings) {
      if (f.severity < Severity::ERROR) continue;
      // A kernel without verdicts already made each of its program testcases an <error>.
      // One that stopped early has judged testcases too: its failure is a testcase of its own.
      if (f.kind == FindingKind::KernelFailed && !rk.has_verdicts() && !m.rows.empty()) continue;
      ++tests;
      const bool fail = f.severity == Severity::FAIL;
      ++(fail ? failures : errors);
      const char* tag = fail ? "failure" : "error";
      cases += "    <testcase" + attr("classname", rk.name) +
               attr("name", std::string("kernel ") + finding_name(f.kind)) + attr("time", "0") +
               ">\n      <" + tag + attr("message", f.message) +
               attr("type", finding_name(f.kind)) + "/>\n    </testcase>\n";
    }
    suites += "  <testsuite" + attr("name", "vmtest kernel " + rk.name) +
              attr("tests", std::to_string(tests)) + attr("failures", std::to_string(failures)) +
              attr("errors", std::to_string(errors)) + attr("skipped", std::to_string(skipped)) +
              attr("time", boot) + ">\n" +
              (props.empty() ? "" : "    <properties>\n" + props + "    </properties>\n") + cases +
              "  </testsuite>\n";
    all_tests += tests;
    all_fail += failures;
    all_err += errors;
    all_skip += skipped;
  }
  // Findings about the run as a whole (zero programs verified, no kernel ran) get a suite too,
  // so a test viewer fails exactly when the gate does.
  std::string run_cases;
  int run_tests = 0, run_fail = 0, run_err = 0;
  for (const auto& f : m.verdict->findings) {
    if (f.severity < Severity::ERROR) continue;
    ++run_tests;
    const bool fail = f.severity == Severity::FAIL;
    ++(fail ? run_fail : run_err);
    const char* tag = fail ? "failure" : "error";
    run_cases += "    <testcase" + attr("classname", "vmtest") +
                 attr("name", finding_name(f.kind)) + attr("time", "0") + ">\n      <" + tag +
                 attr("message", f.message) + attr("type", finding_name(f.kind)) +
                 "/>\n    </testcase>\n";
  }
  if (run_tests) {
    suites += "  <testsuite" + attr("name", "vmtest run") +
              attr("tests", std::to_string(run_tests)) +
              attr("failures", std::to_string(run_fail)) + attr("errors", std::to_string(run_err)) +
              attr("skipped", "0") + attr("time", "0") + ">\n" + run_cases + "  </testsuite>\n";
    all_tests += run_tests;
    all_fail += run_fail;
    all_err += run_err;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attr("name", "vmtest") +
         attr("tests", std::to_string(all_tests)) + attr("failures", std::to_string(all_fail)) +
         attr("errors", std::to_string(all_err)) + attr("skipped", std::to_string(all_skip)) +
         ">\n" + suites + "</testsuites>\n";
}

} // namespace vmtest
