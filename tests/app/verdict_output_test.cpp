// SPDX-License-Identifier: BSD-2-Clause
// The gate use case (`vmtest gate`, `vmtest report`, the end of `vmtest run`): one verdict from
// results, baselines and policy, written to every requested file. A file that cannot be
// written, and inputs that cannot be read, are findings of that one verdict.
#include "app/verdict_output.h"
#include "app_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace vmtest::testing;

namespace {

class GateUseCase : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "gate-app-");
    gate_.baselines_dir = dir_ / "baselines";
    fs::create_directories(gate_.baselines_dir);
    save_baseline_of(gate_.baselines_dir,
                     kernel_with("6.1", {program("p", Verdict::Accepted, 10)}));
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  GateOptions gate_;
};

} // namespace

TEST_F(GateUseCase, FlipIsARegressionInEveryFile) {
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Rejected, 10)})});
  OutputArgs out;
  out.junit = dir_ / "junit.xml";
  out.verdict_json = dir_ / "verdict.json";
  const Delivery d = judge_results(r, gate_, out, env_of({}));
  EXPECT_EQ(d.verdict.exit_code, 1);
  EXPECT_EQ(d.written, (std::vector<fs::path>{out.junit, out.verdict_json}));
  auto json = read_file(out.verdict_json);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(nlohmann::json::parse(*json).at("exit_code"), 1);
  EXPECT_TRUE(d.annotations.empty());
}

TEST_F(GateUseCase, UnwritableFileIsAnErrorAndTheOtherFilesSayTheFinalVerdict) {
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  ASSERT_TRUE(write_file_atomic(dir_ / "plain-file", "x").ok());
  OutputArgs out;
  out.verdict_json = dir_ / "verdict.json";
  out.junit = dir_ / "plain-file" / "junit.xml"; // under a file: cannot be written
  const Delivery d = judge_results(r, gate_, out, env_of({}));
  EXPECT_EQ(d.verdict.exit_code, 2);
  EXPECT_TRUE(has_finding(d.verdict, FindingKind::OutputError, Severity::ERROR));
  EXPECT_EQ(d.written, std::vector<fs::path>{out.verdict_json});
  // Written before the failure, rewritten after it: never "clean" next to exit 2.
  auto json = read_file(out.verdict_json);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(nlohmann::json::parse(*json).at("exit_code"), 2);
}

TEST_F(GateUseCase, StepSummaryNeedsItsVariable) {
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  OutputArgs out;
  out.flag("step_summary") = true;
  EXPECT_EQ(judge_results(r, gate_, out, env_of({})).verdict.exit_code, 2);
  const fs::path summary = dir_ / "summary.md";
  ASSERT_TRUE(write_file_atomic(summary, "earlier step\n").ok());
  const Delivery d = judge_results(r, gate_, out, env_of({{"GITHUB_STEP_SUMMARY", summary}}));
  EXPECT_EQ(d.verdict.exit_code, 0);
  auto text = read_file(summary);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->rfind("earlier step\n", 0), 0u) << "appended, not replaced";
  EXPECT_GT(text->size(), std::string("earlier step\n").size());
}

TEST_F(GateUseCase, AnnotationsAreRelativeToTheWorkspace) {
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Rejected, 10)})});
  OutputArgs out;
  out.flag("annotations") = true;
  out.sources = dir_ / "src";
  fs::create_directories(out.sources);
  ASSERT_TRUE(
      write_file_atomic(out.sources / "a.bpf.c", "SEC(\"xdp\")\nint p(void *ctx) { return 0; }\n")
          .ok());
  const Delivery d = judge_results(r, gate_, out, env_of({{"GITHUB_WORKSPACE", dir_.string()}}));
  EXPECT_NE(d.annotations.find("file=src/a.bpf.c,"), std::string::npos) << d.annotations;
}

TEST_F(GateUseCase, UnreadablePolicyIsAnErrorFindingNotASilentPass) {
  ASSERT_TRUE(write_file_atomic(dir_ / "policy.yaml", "expected_failures: [").ok());
  gate_.policy = dir_ / "policy.yaml";
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Rejected, 10)})});
  const Delivery d = judge_results(r, gate_, OutputArgs{}, env_of({}));
  EXPECT_EQ(d.verdict.exit_code, 2);
  ASSERT_GE(d.verdict.findings.size(), 2u);
  EXPECT_EQ(d.verdict.findings[0].kind, FindingKind::BadInput);
  EXPECT_NE(d.verdict.findings[0].message.find("policy.yaml"), std::string::npos);
  EXPECT_EQ(d.verdict.findings[1].message,
            "not compared with baselines: the baselines or the policy could not be read");
  EXPECT_FALSE(d.verdict.compared);
}

TEST_F(GateUseCase, MissingKernelWithABaselineIsAnError) {
  save_baseline_of(gate_.baselines_dir, kernel_with("5.10", {program("p", Verdict::Accepted, 10)}));
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  EXPECT_EQ(judge_results(r, gate_, OutputArgs{}, env_of({})).verdict.exit_code, 2);
  // A run that named its kernels expects only those.
  r.selected = {"6.1"};
  EXPECT_EQ(judge_results(r, gate_, OutputArgs{}, env_of({})).verdict.exit_code, 0);
}

} // namespace vmtest
