// SPDX-License-Identifier: BSD-2-Clause
// `vmtest diff A B`: A is B's baseline, judged with the gate's policy and thresholds.
#include "app/diff.h"
#include "app_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace vmtest::testing;

TEST(DiffUseCase, AFlipIsARegressionAndSameIsClean) {
  auto a = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  auto b = results_of({kernel_with("6.1", {program("p", Verdict::Rejected, 10)})});
  auto v = diff_results(a, b, GateOptions{});
  ASSERT_TRUE(v.ok()) << v.error().str();
  EXPECT_EQ(v->exit_code, 1);
  EXPECT_TRUE(v->compared);
  EXPECT_EQ(diff_results(a, a, GateOptions{})->exit_code, 0);
}

TEST(DiffUseCase, StrictFailsAKernelOnlyOneRunHas) {
  auto a = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  auto b = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)}),
                       kernel_with("6.6", {program("p", Verdict::Accepted, 10)})});
  EXPECT_EQ(diff_results(a, b, GateOptions{})->exit_code, 0);
  GateOptions strict;
  strict.strict = true;
  EXPECT_EQ(diff_results(a, b, strict)->exit_code, 1);
}

TEST(DiffUseCase, ThresholdsDecideWhetherAStatsMoveFails) {
  auto a = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 1000)})});
  auto b = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 5000)})});
  GateOptions g;
  EXPECT_EQ(diff_results(a, b, g)->exit_code, 0); // a warning
  g.thresholds.fail_on_stats = true;
  EXPECT_EQ(diff_results(a, b, g)->exit_code, 1);
}

TEST(DiffUseCase, UnreadablePolicyIsAnError) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "diff-");
  ASSERT_TRUE(write_file_atomic(dir / "policy.yaml", "expected_failures: [").ok());
  GateOptions g;
  g.policy = dir / "policy.yaml";
  auto a = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  auto v = diff_results(a, a, g);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().str().find("policy.yaml"), std::string::npos);
  fs::remove_all(dir);
}

} // namespace vmtest
