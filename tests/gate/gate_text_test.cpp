// SPDX-License-Identifier: BSD-2-Clause
#include "gate/gate_text.h"
#include "report/report_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

namespace {

size_t lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

Policy expect_fail(const std::string& prog, const std::string& reason) {
  Policy p;
  PolicyRule r;
  r.object_glob = "*";
  r.program_glob = prog;
  r.expected_to_fail = true;
  r.reason = reason;
  p.rules.push_back(r);
  return p;
}

} // namespace

TEST(GateText, CleanRunIsAShortSummaryWithoutTheExpectedFailures) {
  RunResults run;
  KernelResult k = kernel("6.1");
  k.objects.push_back(
      object("a.bpf.o", "s", {accepted("ok", 10), rejected("bad", "R1 invalid mem access")}));
  run.kernels = {k};
  const auto v = verdict_against(run, run, expect_fail("bad", "must be rejected"));
  const std::string text = render_gate_text(v, {});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(
      text.find("kernel 6.1   OK  2 programs: 1 accepted, 1 rejected (1 expected by policy)\n"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("must be rejected"), std::string::npos) << "expected failures are for -v";
  EXPECT_NE(text.find("vmtest: clean: 2 programs on 1 kernel match their baselines (exit 0)\n"),
            std::string::npos)
      << text;
  EXPECT_LE(lines(text), 4u) << text;

  const std::string verbose = render_gate_text(v, {.color = false, .verbose = true});
  EXPECT_NE(verbose.find("a.bpf.o/bad: expected-fail (must be rejected)"), std::string::npos)
      << verbose;
}

TEST(GateText, EachFailingFindingIsOneLineNamingKernelObjectProgramAndWhat) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const auto v = run.verdict();
  const std::string text = render_gate_text(v, {});
  EXPECT_NE(
      text.find(
          "\nFAIL  6.1 bpf_loop.bpf.o/xdp_bpf_loop: accepted -> rejected (errno 22, kernel lacks "
          "helper#181: invalid func unknown#181)\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "vmtest: FAIL: 1 failing check across 1 program on 1 kernel: regression on 6.1 (1)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("(exit 1)\n"), std::string::npos);
  // The log diff is not repeated in the short form.
  EXPECT_EQ(text.find("| +"), std::string::npos);
}

TEST(GateText, MissedExpectationNamesTheCaseAndValues) {
  auto p = accepted("p", 10);
  p.test_run.case_name = "ipv4_tcp";
  p.test_run.retval = 2;
  p.test_run.expected_retval = 1;
  p.test_run.expectation_failed = true;
  RunResults run;
  KernelResult k = kernel("5.10");
  k.objects.push_back(object("f.bpf.o", "s", {p}));
  run.kernels = {k};
  const auto v = verdict_alone(run);
  const std::string text = render_gate_text(v, {});
  EXPECT_NE(text.find("FAIL  5.10 f.bpf.o/p: test_run case ipv4_tcp: expectation failed (retval 2, "
                      "expected 1)"),
            std::string::npos)
      << text;
  EXPECT_EQ(v.exit_code, 1);
}

TEST(GateText, ErrorsAndWarningsAreListedAndColourIsOptIn) {
  RunResults run;
  KernelResult dead = kernel("5.15");
  dead.status = KernelStatus::BootFailed;
  dead.error = "qemu died";
  KernelResult skipped = kernel("4.18");
  skipped.status = KernelStatus::Skipped;
  skipped.error = "not available here";
  KernelResult ok = kernel("6.1");
  ok.objects.push_back(object("a.bpf.o", "s", {accepted("p", 1)}));
  run.kernels = {skipped, dead, ok};
  const auto v = verdict_alone(run);
  const std::string text = render_gate_text(v, {});
  EXPECT_NE(text.find("ERROR 5.15: no verdicts: boot_failed (qemu died)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("WARN  4.18: skipped: not available here"), std::string::npos) << text;
  EXPECT_LT(text.find("ERROR"), text.find("WARN")) << "worst first";
  EXPECT_NE(text.find("vmtest: ERROR: "), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(render_gate_text(v, {.color = true}).find("\x1b["), std::string::npos);
}

} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;

// Issue 24: ESC and CR from a program name reached the terminal in FAIL lines, so a name could
// clear the screen (ESC[2J) and print a forged "clean" line over the real verdict.
TEST(GateText, ControlBytesInNamesAndMessagesAreEscaped) {
  const std::string hostile = "x\x1b[2J\rvmtest: clean: 0 failing checks (exit 0)\xe9";
  OneProgram run(accepted(hostile, 19), rejected(hostile, "invalid func unknown#181\x1b[1A"));
  for (bool verbose : {false, true}) {
    GateTextOptions o;
    o.verbose = verbose;
    const std::string text = render_gate_text(run.verdict(), o);
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_EQ(text.find('\r'), std::string::npos) << text;
    EXPECT_EQ(text.find('\xe9'), std::string::npos) << text;
    EXPECT_NE(text.find("x\\x1b[2J\\x0dvmtest: clean"), std::string::npos) << text;
  }
}

} // namespace vmtest
