// SPDX-License-Identifier: BSD-2-Clause
#include "report/junit.h"
#include "report/report_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

TEST(Junit, OneTestcasePerKernelAndProgram) {
  const RunResults run = load_run("real_results.json");
  const std::string xml = render_junit(build_report_model(run, verdict_against(run, run)));
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0), 0u);
  // 26 programs x 6 kernels, 3 of them skipped.
  EXPECT_NE(
      xml.find(
          "<testsuites name=\"vmtest\" tests=\"156\" failures=\"1\" errors=\"0\" skipped=\"78\">"),
      std::string::npos)
      << xml.substr(0, 300);
  EXPECT_NE(xml.find("<testsuite name=\"vmtest kernel 4.18\" tests=\"26\" failures=\"0\" "
                     "errors=\"0\" skipped=\"26\""),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"kernel 4.18 skipped: source &apos;oci&apos; is not "
                     "implemented yet\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("classname=\"5.10/flow_dissector.bpf.o\" name=\"flow_dissector_ipv4\""),
            std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"test_run case ipv4_tcp: expectation failed"),
            std::string::npos);
}

TEST(Junit, RegressionIsAFailureWithTheLogTail) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const std::string xml = render_junit(build_report_model(run.after, run.verdict()));
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("type=\"regressed\""), std::string::npos);
  EXPECT_NE(
      xml.find("last verifier log lines:\n5: (85) call bpf_loop#181\ninvalid func unknown#181"),
      std::string::npos)
      << xml;
}

TEST(Junit, BootFailureIsAnErrorWithTheConsole) {
  const RunResults run_ = load_run("xss_results.json");
  const std::string xml = render_junit(build_report_model(run_, verdict_alone(run_)));
  EXPECT_NE(xml.find("errors=\"2\""), std::string::npos);
  EXPECT_NE(xml.find("<error message=\"no verdicts from kernel 5.10: boot_failed"),
            std::string::npos);
}

TEST(Junit, XssFixtureIsEscaped) {
  const RunResults run_ = load_run("xss_results.json");
  const std::string xml = render_junit(build_report_model(run_, verdict_alone(run_)));
  for (const char* raw : {"<script>", "<img", "<svg", "<iframe", "<b>", "\" onmouseover"})
    EXPECT_EQ(xml.find(raw), std::string::npos) << raw;
  EXPECT_NE(xml.find("name=\"&lt;script&gt;document.body.setAttribute(&apos;data-pwned&apos;,&apos;"
                     "program&apos;)&lt;/script&gt;\""),
            std::string::npos);
}

} // namespace vmtest
