#include "report/junit.h"

#include <cstdio>

#include "report/report_model.h"

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
  for (size_t i = tail.size() > n ? tail.size() - n : 0; i < tail.size(); ++i) s += tail[i] + "\n";
  return s;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 has no way to write most control characters, not even as references.
        if (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') out += "\xEF\xBF\xBD";
        else out += ch;
    }
  }
  return out;
}

std::string render_junit(const RunResults& run, const std::vector<DiffReport>& diffs) {
  const ReportModel m = build_report_model(run, diffs);
  std::string suites;
  int all_tests = 0, all_fail = 0, all_err = 0, all_skip = 0;
  for (size_t k = 0; k < m.kernels.size(); ++k) {
    const KernelResult& kr = *m.kernels[k].result;
    std::string cases;
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const auto& row : m.rows) {
      const ReportCell& c = row.cells[k];
      ++tests;
      cases += "    <testcase" + attr("classname", kr.name + "/" + row.object) +
               attr("name", row.program) + attr("time", "0") + ">\n";
      if (c.status == "skipped" || c.status == "absent") {
        ++skipped;
        std::string why = c.status == "skipped" ? "kernel " + kr.name + " skipped" +
                                                      (kr.error.empty() ? "" : ": " + kr.error)
                                                : "not in kernel " + kr.name + "'s results";
        cases += "      <skipped" + attr("message", why) + "/>\n";
      } else if (c.status == "no-result") {
        ++errors;
        std::string why = "no verdicts from kernel " + kr.name + ": " + kr.status +
                          (kr.error.empty() ? "" : " (" + kr.error + ")");
        std::string console;
        for (const auto& l : kr.console_tail) console += l + "\n";
        cases += "      <error" + attr("message", why) + attr("type", kr.status) + ">" +
                 xml_escape(console) + "</error>\n";
      } else if (c.severity == Severity::FAIL) {
        ++failures;
        std::string first, body;
        for (const auto& f : c.findings) {
          if (f.severity == Severity::FAIL && first.empty()) first = f.message;
          body += std::string(severity_name(f.severity)) + " " + change_name(f.change) + ": " +
                  f.message + "\n";
        }
        if (c.diff && !c.diff->policy_reason.empty()) body += "policy: " + c.diff->policy_reason + "\n";
        std::string log = log_excerpt(c, 10);
        if (!log.empty()) body += "\nlast verifier log lines:\n" + log;
        cases += "      <failure" + attr("message", first) + attr("type", c.status) + ">" +
                 xml_escape(body) + "</failure>\n";
      }
      // Always say what happened, so a passing case is not an empty box in the viewer.
      if (c.result || !c.findings.empty()) {
        std::string out = "status: " + status_label(c.status) + "\n";
        if (c.result) {
          out += "verdict: " + c.result->verdict;
          if (c.result->insns_processed) out += ", " + std::to_string(*c.result->insns_processed) + " insns";
          if (c.result->err) out += ", errno " + std::to_string(c.result->err);
          out += "\ntest_run: " + c.result->test_run.status + "\n";
        }
        for (const auto& f : c.findings)
          if (f.severity != Severity::FAIL) out += std::string(severity_name(f.severity)) + " " + f.message + "\n";
        cases += "      <system-out>" + xml_escape(out) + "</system-out>\n";
      }
      cases += "    </testcase>\n";
    }
    std::string props;
    for (auto [name, value] : {std::pair{"status", kr.status}, std::pair{"image", kr.image},
                               std::pair{"image_sha256", kr.image_sha256},
                               std::pair{"release", kr.kernel_release}, std::pair{"accel", kr.accel}})
      if (!value.empty()) props += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
    char boot[32];
    std::snprintf(boot, sizeof boot, "%.3f", kr.boot_seconds);
    suites += "  <testsuite" + attr("name", "vmtest kernel " + kr.name) +
              attr("tests", std::to_string(tests)) + attr("failures", std::to_string(failures)) +
              attr("errors", std::to_string(errors)) + attr("skipped", std::to_string(skipped)) +
              attr("time", boot) + ">\n" + (props.empty() ? "" : "    <properties>\n" + props + "    </properties>\n") +
              cases + "  </testsuite>\n";
    all_tests += tests;
    all_fail += failures;
    all_err += errors;
    all_skip += skipped;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attr("name", "vmtest") +
         attr("tests", std::to_string(all_tests)) + attr("failures", std::to_string(all_fail)) +
         attr("errors", std::to_string(all_err)) + attr("skipped", std::to_string(all_skip)) +
         ">\n" + suites + "</testsuites>\n";
}

}  // namespace vmtest
