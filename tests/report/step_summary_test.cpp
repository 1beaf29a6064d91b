// SPDX-License-Identifier: BSD-2-Clause
#include "report/report_fixtures.h"
#include "report/step_summary.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

TEST(StepSummary, RegressionWithItsLastLogLines) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  StepSummaryOptions o;
  o.report_name = "report.html";
  const std::string md = render_step_summary(build_report_model(run.after, run.verdict()), o);
  EXPECT_EQ(md.rfind("## ❌ vmtest: verifier regression\n", 0), 0u) << md;
  EXPECT_NE(md.find("| program | 6.1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| xdp\\_bpf\\_loop <sub>bpf\\_loop.bpf.o</sub> | ❌ regressed |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("#### xdp\\_bpf\\_loop on 6.1: regressed"), std::string::npos) << md;
  EXPECT_NE(md.find("```text\n5: (85) call bpf_loop#181\ninvalid func unknown#181\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("report.html"), std::string::npos);
}

TEST(StepSummary, CleanRunListsNoRows) {
  const RunResults run = load_run("real_results.json");
  RunResults clean = run;
  for (auto& k : clean.kernels)
    for (auto& o : k.objects)
      for (auto& p : o.programs) {
        p.test_run.expectation_failed = false;
        for (auto& t : p.more_test_runs)
          t.expectation_failed = false;
      }
  const std::string md =
      render_step_summary(build_report_model(clean, verdict_against(clean, clean)));
  EXPECT_EQ(md.rfind("## ✅ vmtest: no verifier changes", 0), 0u) << md;
  EXPECT_NE(md.find("All 26 programs are unchanged on every kernel."), std::string::npos) << md;
  EXPECT_EQ(md.find("| program |"), std::string::npos);
}

TEST(StepSummary, SkippedKernelsGetNoColumn) {
  const RunResults run_ = load_run("real_results.json");
  const std::string md = render_step_summary(build_report_model(run_, verdict_alone(run_)));
  EXPECT_NE(md.find("| program | 5.10 | 6.1 | 6.12 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Skipped kernels: 4.18, 5.15, 6.6."), std::string::npos) << md;
}

TEST(StepSummary, XssAndMarkdownInjectionStayText) {
  const RunResults run_ = load_run("xss_results.json");
  const std::string md = render_step_summary(build_report_model(run_, verdict_alone(run_)));
  for (const char* raw : {"<script>", "<img", "<svg", "<iframe", "<b>", "<b "}) {
    // Outside code blocks; the console tail is inside a fence, where GitHub shows it as text.
    const size_t fence = md.find("```");
    EXPECT_EQ(md.substr(0, fence).find(raw), std::string::npos) << raw;
  }
  EXPECT_NE(md.find("&lt;script&gt;"), std::string::npos);
}

namespace {
// One kernel, one object: programs with given insns (limit 1000000) and stack bytes; no map
// counts, so the maps column shows "-".
RunResults near_limits(std::vector<std::pair<int64_t, int64_t>> progs) {
  RunResults r;
  KernelResult k = kernel("6.1");
  ObjectResult o = object("big.bpf.o", "s", {});
  for (size_t i = 0; i < progs.size(); ++i) {
    ProgramResult p = accepted("p" + std::to_string(i), progs[i].first);
    p.metrics[Metric::InsnLimit] = 1000000;
    p.metrics[Metric::StackDepth] = progs[i].second;
    o.programs.push_back(p);
  }
  k.objects.push_back(o);
  r.kernels.push_back(k);
  return r;
}
} // namespace

TEST(StepSummary, ClosestToTheLimitTablePerKernel) {
  const RunResults run =
      near_limits({{1000, 8}, {900000, 8}, {2000, 400}, {10, 0}, {20, 0}, {30, 0}, {40, 0}});
  const std::string all = render_step_summary(build_report_model(run, verdict_alone(run)));
  const std::string md = all.substr(all.find("Closest to the limit")); // the table's section
  // Open, because p1 crossed the fail threshold; the top fraction of each row is bold.
  EXPECT_NE(all.find("<details open><summary>Closest to the limit"), std::string::npos) << all;
  EXPECT_NE(md.find("**6.1**\n\n| closest | insns | stack | maps |\n|---|---:|---:|---:|\n"),
            std::string::npos)
      << md;
  const size_t p1 = md.find("| ❌ p1 <sub>big.bpf.o</sub> | **90.0%** | 1.6% | - |");
  const size_t p2 = md.find("| ⚠️ p2 <sub>big.bpf.o</sub> | 0.2% | **78.1%** | - |");
  ASSERT_NE(p1, std::string::npos) << md;
  ASSERT_NE(p2, std::string::npos) << md;
  EXPECT_LT(p1, p2);
  // Top five only: the two smallest programs are left out.
  EXPECT_EQ(md.find("p4 <sub>"), std::string::npos) << md;
  EXPECT_EQ(md.find("p3 <sub>"), std::string::npos) << md;
  // The failure is named with its kernel and fraction in the failing checks too.
  EXPECT_NE(all.find("#### p1 on 6.1: near a limit"), std::string::npos) << all;
  EXPECT_NE(all.find("- **FAIL** insns 900000 of 1000000 (90.0%) reaches the fail threshold 85%"),
            std::string::npos)
      << md;
}

TEST(StepSummary, ClosestToTheLimitIsFoldedWhenNothingCrossed) {
  const RunResults run = near_limits({{1000, 8}});
  const std::string md = render_step_summary(build_report_model(run, verdict_alone(run)));
  EXPECT_NE(md.find("<details><summary>Closest to the limit"), std::string::npos) << md;
}

TEST(StepSummary, ClosestToTheLimitListsWhatThePolicyFlaggedFirst) {
  // p0 uses 0.16% of the insn limit, far less than the others' stack; a policy failing at 0.1%
  // flags it, and the table must show it even though its fraction is the smallest.
  const RunResults run =
      near_limits({{1600, 0}, {10, 100}, {10, 110}, {10, 120}, {10, 130}, {10, 140}});
  Policy tight;
  tight.thresholds.headroom.fail_pct[static_cast<size_t>(Fraction::Insns)] = 0.1;
  tight.thresholds.headroom.warn_pct[static_cast<size_t>(Fraction::Insns)] = 0.05;
  const std::string all =
      render_step_summary(build_report_model(run, verdict_against(nullptr, run, tight)));
  const std::string md = all.substr(all.find("Closest to the limit"));
  const size_t flagged = md.find("| ❌ p0 <sub>big.bpf.o</sub> | **0.2%** |");
  ASSERT_NE(flagged, std::string::npos) << md;
  EXPECT_LT(flagged, md.find("p5 <sub>")) << md;
  EXPECT_NE(all.find("<details open>"), std::string::npos) << all;
}

} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;

// Issue 24: an object named x`<img src=…>`.bpf.o closed the code span around its full-log
// path early, so raw HTML reached the PR comment.
TEST(StepSummary, AFullLogPathWithBackticksStaysInsideItsCodeSpan) {
  ProgramResult after = rejected("xdp_bpf_loop", "invalid func unknown#181");
  after.full_log.reason = FullLogReason::Rejected;
  after.full_log.file = "logs/6.1/x`<img src=x onerror=alert(1)>`.bpf.o/xdp.log";
  OneProgram run(accepted("xdp_bpf_loop", 19), after);
  const std::string md = render_step_summary(build_report_model(run.after, run.verdict()));
  EXPECT_NE(md.find("Full verifier log: ``logs/6.1/x`<img src=x onerror=alert(1)>`.bpf.o/xdp.log``"
                    " in the run's artifact"),
            std::string::npos)
      << md;
  EXPECT_EQ(markdown_code_span("a``b"), "```a``b```");
  EXPECT_EQ(markdown_code_span("`x`"), "`` `x` ``");
  EXPECT_EQ(markdown_code_span("plain"), "`plain`");
  EXPECT_EQ(markdown_code_span("caf\xe9\nx"), "`caf\\xe9 x`");
}

// Names are bytes: one that is not UTF-8 is shown as \xHH, never written raw into the page.
TEST(StepSummary, NamesThatAreNotUtf8AreShownEscaped) {
  ProgramResult after = rejected("caf\xe9_prog", "bad \xff byte");
  OneProgram run(accepted("caf\xe9_prog", 19), after);
  const std::string md = render_step_summary(build_report_model(run.after, run.verdict()));
  EXPECT_NE(md.find("caf\\\\xe9\\_prog"), std::string::npos) << md;
  EXPECT_EQ(md.find('\xe9'), std::string::npos);
  EXPECT_EQ(md.find('\xff'), std::string::npos);
}

} // namespace vmtest
