// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/expectations.h"
#include "core/fs.h"
#include "support/result_builders.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;
namespace fs = std::filesystem;

TEST(Expectations, EveryRowsVerdictsAndStatsByObjectAndProgram) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "expect-");
  auto k61 = kernel("6.1");
  k61.objects.push_back(
      object("loop.bpf.o", "s", {accepted("xdp_loop", 19, 2), rejected("bad", "R1 invalid")}));
  auto k510 = kernel("5.10");
  k510.objects.push_back(object("loop.bpf.o", "s", {rejected("xdp_loop", "unknown func")}));
  ASSERT_TRUE(save_baseline(baseline_path(dir, "6.1"), baseline_from_kernel_result(k61, {})));
  ASSERT_TRUE(save_baseline(baseline_path(dir, "5.10"), baseline_from_kernel_result(k510, {})));
  // An unreadable file is the gate's to report; it selects nothing here.
  ASSERT_TRUE(write_file_atomic(dir / "6.6.json", "{").ok());

  auto e = expectations_from_dir(dir);
  ASSERT_EQ(e.size(), 2u);
  const ProgramExpectation& loop = e.at("6.1").at("loop.bpf.o/xdp_loop");
  EXPECT_EQ(loop.verdict, Verdict::Accepted);
  EXPECT_EQ(loop.metrics[Metric::InsnsProcessed], 19);
  EXPECT_EQ(loop.metrics[Metric::TotalStates], 2);
  EXPECT_EQ(loop.metrics[Metric::PeakStates], 2);
  EXPECT_FALSE(loop.metrics[Metric::VerificationTimeUs]) << "only the gated metrics travel";
  EXPECT_EQ(e.at("6.1").at("loop.bpf.o/bad").verdict, Verdict::Rejected);
  EXPECT_EQ(e.at("5.10").at("loop.bpf.o/xdp_loop").verdict, Verdict::Rejected);
  EXPECT_TRUE(expectations_from_dir(dir / "missing").empty());
  fs::remove_all(dir);
}

TEST(Expectations, ChangeThresholdsAreTheGates) {
  Thresholds t;
  t.change[ThresholdGroup::Insns] = {3, 40};
  t.change[ThresholdGroup::States] = {4, 5};
  const ChangeThresholds c = change_thresholds(t);
  EXPECT_EQ(c[ThresholdGroup::Insns], (ChangeLimits{3, 40}));
  EXPECT_EQ(c[ThresholdGroup::States], (ChangeLimits{4, 5}));
}

} // namespace vmtest
