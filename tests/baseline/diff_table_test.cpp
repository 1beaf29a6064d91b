// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/diff_table.h"
#include "support/result_builders.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

namespace {
DiffReport sample_report() {
  auto before = kernel();
  before.objects.push_back(
      object("loop.bpf.o", "s", {accepted("xdp_loop", 19), accepted("quiet", 5)}));
  auto after = kernel();
  after.objects.push_back(
      object("loop.bpf.o", "s",
             {rejected("xdp_loop", "unknown func bpf_loop#181"), accepted("quiet", 5)}));
  const Baseline base = baseline_from_kernel_result(before, {});
  return diff_kernel(&base, after, {}, Policy{}, Thresholds{});
}
} // namespace

TEST(DiffTable, PlainRendering) {
  auto text = render_diff_table(sample_report(), false);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(
      text.rfind("kernel 6.1: FAIL (1 fail, 0 error, 0 warn, 0 info, 0 ok, 1 unchanged)\n", 0), 0u)
      << text;
  // One column per metric the metric table shows in diffs, in table order.
  EXPECT_NE(text.find("SEV   OBJECT      PROGRAM   VERDICT               INSNS             STATES  "
                      "PEAK STATES  "
                      "VERIFY TIME (US)  XLATED B  JITED B  CHANGES"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("FAIL  loop.bpf.o  xdp_loop  accepted -> rejected  19 -> 5 (-73.7%)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("regression,log-changed"), std::string::npos);
  EXPECT_NE(text.find("kernel lacks bpf_loop"), std::string::npos);
  EXPECT_NE(text.find("    | +unknown func bpf_loop#181"), std::string::npos) << text;
  // Unchanged programs are counted, not listed.
  EXPECT_EQ(text.find("quiet"), std::string::npos);
}

TEST(DiffTable, ColourOnlyWhenAsked) {
  auto text = render_diff_table(sample_report(), true);
  EXPECT_NE(text.find("\x1b[31mFAIL\x1b[0m"), std::string::npos);
}

TEST(DiffTable, KernelFindingsAndCleanRun) {
  DiffReport r;
  r.kernel = "5.10";
  r.kernel_findings.push_back({FindingKind::KernelChanged, Severity::FAIL, "the kernel changed"});
  auto text = render_diff_table(r, false);
  EXPECT_NE(text.find("kernel 5.10: FAIL"), std::string::npos);
  EXPECT_NE(text.find("  FAIL  the kernel changed\n"), std::string::npos);
  EXPECT_EQ(text.find("SEV"), std::string::npos); // no table when no rows
}

} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;

TEST(DiffTable, NamesTheSourceLineThatGrew) {
  auto before = kernel();
  auto p0 = accepted("cgskb_loop", 200);
  p0.line_costs = {{"loop.bpf.c:16", "sum += buf[i];", 150}, {"loop.bpf.c:14", "load", 50}};
  before.objects.push_back(object("loop.bpf.o", "s", {p0}));
  before.line_costs_all = true;
  auto after = kernel();
  auto p1 = accepted("cgskb_loop", 3300);
  p1.line_costs = {{"loop.bpf.c:16", "sum += buf[i];", 3250}, {"loop.bpf.c:14", "load", 50}};
  p1.full_log.reason = FullLogReason::StatsMoved;
  p1.full_log.file = "logs/6.1/loop.bpf.o/cgskb_loop.log";
  after.objects.push_back(object("loop.bpf.o", "s", {p1}));
  const Baseline base = baseline_from_kernel_result(before, {});
  ASSERT_EQ(base.objects.at("loop.bpf.o").programs.at("cgskb_loop").line_costs.size(), 2u);
  const DiffReport r = diff_kernel(&base, after, {}, Policy{}, Thresholds{});
  ASSERT_EQ(r.programs.size(), 1u);
  EXPECT_EQ(describe_insns_growth(r.programs[0]), "insns grew at loop.bpf.c:16 +3,100 insns");
  auto text = render_diff_table(r, false);
  EXPECT_NE(text.find("    insns grew at loop.bpf.c:16 +3,100 insns\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    full log: logs/6.1/loop.bpf.o/cgskb_loop.log\n"), std::string::npos)
      << text;
}

TEST(DiffTable, NoGrowthLineWithoutLineCostsOnBothSides) {
  auto before = kernel();
  before.objects.push_back(object("loop.bpf.o", "s", {accepted("cgskb_loop", 200)}));
  auto after = kernel();
  auto p1 = accepted("cgskb_loop", 3300);
  p1.line_costs = {{"loop.bpf.c:16", "sum += buf[i];", 3250}};
  after.objects.push_back(object("loop.bpf.o", "s", {p1}));
  const Baseline base = baseline_from_kernel_result(before, {});
  const DiffReport r = diff_kernel(&base, after, {}, Policy{}, Thresholds{});
  EXPECT_EQ(describe_insns_growth(r.programs[0]), "");
  EXPECT_EQ(render_diff_table(r, false).find("grew at"), std::string::npos);
}

} // namespace vmtest
