// SPDX-License-Identifier: BSD-2-Clause
#include "report/report_fixtures.h"
#include "report/report_model.h"
#include "support/fixture.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

TEST(ReportModel, RegressionFailsTheRun) {
  OneProgram run(accepted("xdp_bpf_loop", 19),
                 rejected("xdp_bpf_loop", "invalid func unknown#181"));
  const auto v = run.verdict();
  const ReportModel m = build_report_model(run.after, v);
  ASSERT_EQ(m.rows.size(), 1u);
  const ReportCell& c = m.rows[0].cells.at(0);
  EXPECT_EQ(c.status, CellStatus::Regressed);
  EXPECT_EQ(c.severity, Severity::FAIL);
  EXPECT_EQ(m.verdict_key, "fail");
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_EQ(m.failing_cells, 1);
  EXPECT_NE(m.headline.find("regression on 6.1 (1)"), std::string::npos) << m.headline;
}

TEST(ReportModel, UnchangedAndRejectedAsBaselinedPass) {
  RunResults before, after;
  KernelResult k = kernel();
  k.objects.push_back(
      object("a.bpf.o", "sha", {accepted("ok", 10), rejected("bad", "R1 invalid mem access")}));
  before.kernels.push_back(k);
  after.kernels.push_back(k);
  const auto v = verdict_against(before, after);
  const ReportModel m = build_report_model(after, v);
  ASSERT_EQ(m.rows.size(), 2u);
  EXPECT_EQ(m.rows[0].program, "bad");
  EXPECT_EQ(m.rows[0].cells[0].status, CellStatus::RejectedAsBaselined);
  EXPECT_EQ(m.rows[1].cells[0].status, CellStatus::Unchanged);
  EXPECT_EQ(m.verdict_key, "pass");
  EXPECT_EQ(m.exit_code, 0);
}

TEST(ReportModel, ImprovedExpectedFailAndNew) {
  RunResults before, after;
  KernelResult kb = kernel(), ka = kernel();
  kb.objects.push_back(object("a.bpf.o", "sha", {rejected("up", "x"), rejected("ef", "y")}));
  ka.objects.push_back(
      object("a.bpf.o", "sha", {accepted("up", 5), rejected("ef", "y"), accepted("fresh", 3)}));
  before.kernels.push_back(kb);
  after.kernels.push_back(ka);
  Policy policy;
  PolicyRule r;
  r.object_glob = "a.bpf.o";
  r.program_glob = "ef";
  r.expected_to_fail = true;
  r.reason = "needs 6.6";
  policy.rules.push_back(r);
  const auto v = verdict_against(before, after, policy);
  const ReportModel m = build_report_model(after, v);
  std::map<std::string, std::string> status;
  for (const auto& row : m.rows)
    status[row.program] = to_string(row.cells[0].status);
  EXPECT_EQ(status["up"], "improved");
  EXPECT_EQ(status["ef"], "expected-fail");
  EXPECT_EQ(status["fresh"], "new");
  EXPECT_EQ(m.exit_code, 1) << "rejected -> accepted fails too";
}

TEST(ReportModel, WithoutBaselinesShowsVerdicts) {
  const RunResults run = load_run("real_results.json");
  const auto v = verdict_alone(run);
  const ReportModel m = build_report_model(run, v);
  EXPECT_FALSE(m.has_baselines);
  EXPECT_EQ(m.rows.size(), 26u);
  EXPECT_EQ(m.kernels.size(), 6u);
  for (const auto& row : m.rows)
    for (const auto& c : row.cells)
      EXPECT_TRUE(c.status == CellStatus::Accepted || c.status == CellStatus::Rejected ||
                  c.status == CellStatus::Skipped || c.status == CellStatus::TestRunFailed)
          << row.program << " " << c.kernel << " " << to_string(c.status);
  // The real run's 5.10 flow_dissector cases missed their expectations: that fails the run
  // even without a baseline, as `vmtest run` does.
  EXPECT_EQ(m.verdict_key, "fail");
  EXPECT_EQ(m.counts.at(CellStatus::Skipped), 26 * 3);
}

TEST(ReportModel, RealRunAgainstItselfPassesExceptExpectations) {
  const RunResults run = load_run("real_results.json");
  const auto v = verdict_against(run, run);
  const ReportModel m = build_report_model(run, v);
  EXPECT_TRUE(m.has_baselines);
  EXPECT_EQ(m.failing_cells, 1); // flow_dissector_ipv4 on 5.10
  EXPECT_EQ(m.counts.at(CellStatus::TestRunFailed), 1);
  EXPECT_EQ(m.counts.count(CellStatus::Regressed), 0u);
}

TEST(ReportModel, KernelWithoutVerdictsIsInfrastructure) {
  RunResults run;
  KernelResult k = kernel("6.1");
  k.status = KernelStatus::BootFailed;
  k.error = "no console output";
  run.kernels.push_back(k);
  KernelResult ok = kernel("6.12");
  ok.objects.push_back(object("a.bpf.o", "sha", {accepted("p", 3)}));
  run.kernels.push_back(ok);
  const auto v = verdict_alone(run);
  const ReportModel m = build_report_model(run, v);
  EXPECT_EQ(m.verdict_key, "infra");
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_EQ(m.rows.at(0).cells.at(0).status, CellStatus::NoResult);
  EXPECT_NE(m.headline.find("kernel-failed on 6.1"), std::string::npos) << m.headline;
  EXPECT_NE(m.headline.find("boot_failed (no console output)"), std::string::npos) << m.headline;
}

TEST(ReportModel, StatusRankPutsRegressionsFirst) {
  EXPECT_LT(status_rank(CellStatus::Regressed), status_rank(CellStatus::Improved));
  EXPECT_LT(status_rank(CellStatus::Improved), status_rank(CellStatus::Unchanged));
  EXPECT_EQ(status_label(CellStatus::RejectedAsBaselined), "rejected (as baselined)");
  EXPECT_EQ(status_label(CellStatus::StatsMoved), "stats moved");
}

// A kernel that timed out after its first object shows the programs it reached, judged, and
// the others as not verified; without a baseline too.
TEST(ReportModel, APartialKernelShowsTheProgramsItReached) {
  RunResults before, after;
  KernelResult k = kernel("6.1");
  k.objects.push_back(object("a.bpf.o", "sa", {accepted("p", 10)}));
  k.objects.push_back(object("b.bpf.o", "sb", {accepted("q", 10)}));
  before.kernels.push_back(k);
  k.status = KernelStatus::Timeout;
  k.running_object = "b.bpf.o";
  k.objects.resize(1);
  k.objects[0].programs[0] = rejected("p", "R1 invalid mem access", 13);
  after.kernels.push_back(k);
  for (const bool baselined : {true, false}) {
    const auto v = baselined ? verdict_against(before, after) : verdict_alone(after);
    const ReportModel m = build_report_model(after, v);
    ASSERT_EQ(m.kernels.size(), 1u);
    EXPECT_TRUE(m.kernels[0].has_verdicts());
    ASSERT_GE(m.rows.size(), 1u);
    EXPECT_EQ(m.rows[0].program, "p");
    EXPECT_EQ(m.rows[0].cells[0].status, baselined ? CellStatus::Regressed : CellStatus::Rejected);
    if (baselined) {
      EXPECT_EQ(m.exit_code, 1);
      ASSERT_EQ(m.rows.size(), 2u);
      EXPECT_EQ(m.rows[1].program, "q");
      EXPECT_EQ(m.rows[1].cells[0].status, CellStatus::NotVerified);
      EXPECT_EQ(m.rows[1].cells[0].severity, Severity::ERROR);
      EXPECT_EQ(m.failing_cells, 1) << "not verified is the kernel's failure, not the program's";
    } else {
      EXPECT_EQ(m.exit_code, 2);
    }
  }
}

} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;

// The cause of a rejection is part of the model, so every format can show it: here from the
// real 5.10 probe, which has no bpf_loop.
TEST(ReportModel, RejectionCausesComeFromTheKernelsProbe) {
  RunResults run;
  run.kernels.push_back(
      probed("5.10", nlohmann::json::parse(fixture("capabilities/5.10.json")),
             {rejected_with_log("xdp_bpf_loop", "xdp", {"unknown func bpf_loop#181"}),
              rejected_with_log("xdp_other", "xdp", {"R1 invalid mem access 'scalar'"})}));
  const auto v = verdict_alone(run);
  const ReportModel m = build_report_model(run, v);
  ASSERT_EQ(m.rows.size(), 2u);
  EXPECT_EQ(m.rows[0].cells[0].cause, "bpf_loop is absent on 5.10");
  EXPECT_EQ(m.rows[1].cells[0].cause, "") << "a rejection nothing explains has no cause";
}

// Declaration order is the rank, and every status has its own key and words.
TEST(ReportModel, EveryStatusHasAKeyAndALabel) {
  std::set<std::string> keys;
  for (size_t i = 0; i < kCellStatusCount; ++i) {
    const auto s = static_cast<CellStatus>(i);
    EXPECT_EQ(status_rank(s), static_cast<int>(i));
    EXPECT_TRUE(keys.insert(to_string(s)).second) << to_string(s);
    EXPECT_FALSE(status_label(s).empty());
  }
  EXPECT_EQ(to_string(CellStatus::TestRunFailed), std::string("test-run-failed"));
  EXPECT_EQ(status_label(CellStatus::NearLimit), "near a limit");
  EXPECT_EQ(cell_status_of(FindingKind::TestRunExpectation), CellStatus::TestRunFailed);
  EXPECT_EQ(cell_status_of(FindingKind::KernelFailed), std::nullopt);
}

} // namespace vmtest
