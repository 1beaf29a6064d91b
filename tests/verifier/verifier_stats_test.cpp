// SPDX-License-Identifier: BSD-2-Clause
#include "results/results.h"
#include "support/fixture.h"
#include "verifier/verifier_stats.h"

#include <gtest/gtest.h>

namespace vmtest {
using testing::fixture;

TEST(VerifierStats, Kernel5xSummaryLine) {
  auto st = parse_verifier_stats(fixture("verifier/v5_10_accepted.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 13);
  EXPECT_EQ(st.metrics[Metric::InsnLimit], 1000000);
  EXPECT_EQ(st.metrics[Metric::MaxStatesPerInsn], 0);
  EXPECT_EQ(st.metrics[Metric::TotalStates], 1);
  EXPECT_EQ(st.metrics[Metric::PeakStates], 1);
  EXPECT_EQ(st.metrics[Metric::MarkRead], 1);
  EXPECT_FALSE(
      st.metrics[Metric::VerificationTimeUs].has_value()); // level 1 log: no BPF_LOG_STATS lines
  EXPECT_EQ(st.stack_depth, "");
  EXPECT_FALSE(st.too_large);
}

TEST(VerifierStats, StatsOnlyLogWithTimeAndSubprogStack) {
  auto st = parse_verifier_stats(fixture("verifier/v6_1_stats_only.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 19);
  EXPECT_EQ(st.metrics[Metric::TotalStates], 2);
  EXPECT_EQ(st.metrics[Metric::PeakStates], 2);
  EXPECT_EQ(st.metrics[Metric::VerificationTimeUs], 47);
  EXPECT_EQ(st.stack_depth, "0+24");
}

TEST(VerifierStats, Rhel8Kernel418Format) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_accepted.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 15);
  EXPECT_EQ(st.metrics[Metric::InsnLimit], 131072);
  EXPECT_EQ(st.stack_depth, "4");
  // 4.18 prints no state counts; they must stay unknown, not zero.
  EXPECT_FALSE(st.metrics[Metric::TotalStates].has_value());
  EXPECT_FALSE(st.metrics[Metric::PeakStates].has_value());
  EXPECT_FALSE(st.metrics[Metric::MaxStatesPerInsn].has_value());
}

TEST(VerifierStats, Kernel418WithSubprograms) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_subprogs.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 57);
  EXPECT_EQ(st.stack_depth, "32+16");
}

TEST(VerifierStats, VeryOldKernelWithoutLimit) {
  auto st = parse_verifier_stats(fixture("verifier/v4_14_summary.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 2);
  EXPECT_FALSE(st.metrics[Metric::InsnLimit].has_value());
  EXPECT_EQ(st.stack_depth, "0");
}

TEST(VerifierStats, TooLargeWithSummary) {
  auto st = parse_verifier_stats(fixture("verifier/v6_12_too_large.log"));
  EXPECT_TRUE(st.too_large);
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 1000001);
  EXPECT_EQ(st.metrics[Metric::TotalStates], 52180);
  EXPECT_EQ(st.metrics[Metric::PeakStates], 4096);
  EXPECT_EQ(st.metrics[Metric::MaxStatesPerInsn], 33);
  EXPECT_EQ(st.metrics[Metric::MarkRead], 12);
  EXPECT_EQ(st.metrics[Metric::VerificationTimeUs], 1622734);
  EXPECT_EQ(st.stack_depth, "64");
}

TEST(VerifierStats, TooLargeOnlyLine) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_too_large.log"));
  EXPECT_TRUE(st.too_large);
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 131073);
}

TEST(VerifierStats, RejectedProgramStillHasSummary) {
  auto st = parse_verifier_stats(fixture("verifier/v6_12_rejected_mem.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 24);
  EXPECT_EQ(st.metrics[Metric::TotalStates], 2);
}

TEST(VerifierStats, StopsAtNulTerminator) {
  auto st = parse_verifier_stats(fixture("verifier/v6_1_nul_terminated.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 3);
  EXPECT_EQ(st.metrics[Metric::InsnLimit], 1000000);
}

TEST(VerifierStats, LastSummaryWinsAndCrlfTolerated) {
  auto st = parse_verifier_stats(
      "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 "
      "mark_read 0\r\nprocessed 7 insns (limit 1000000) max_states_per_insn 2 total_states 3 "
      "peak_states 2 mark_read 1\r\n");
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 7);
  EXPECT_EQ(st.metrics[Metric::MaxStatesPerInsn], 2);
  EXPECT_EQ(st.metrics[Metric::MarkRead], 1);
}

TEST(VerifierStats, EmptyAndUnrelatedLogsGiveNothing) {
  for (std::string_view log : {"", "\n\n", "R1 invalid mem access 'scalar'\n",
                               "processed lots of things\n", "processed 12 packets\n"}) {
    auto st = parse_verifier_stats(log);
    EXPECT_FALSE(st.metrics[Metric::InsnsProcessed].has_value()) << log;
    EXPECT_EQ(st.stack_depth, "") << log;
  }
}

TEST(VerifierStats, ApplyFillsOnlyWhatWasFound) {
  ProgramResult p;
  p.metrics[Metric::VerificationTimeUs] = 99;
  apply_verifier_stats(parse_verifier_stats(fixture("verifier/v4_18_subprogs.log")), p);
  EXPECT_EQ(p.metrics[Metric::InsnsProcessed], 57);
  EXPECT_EQ(p.metrics[Metric::InsnLimit], 131072);
  EXPECT_EQ(p.stack_depth, "32+16");
  EXPECT_EQ(p.metrics[Metric::VerificationTimeUs], 99);
  EXPECT_FALSE(p.metrics[Metric::TotalStates].has_value());
}

} // namespace vmtest

namespace vmtest {

// The last 20 lines of a real RHEL 8.1 (4.18.0-147.el8) log, as the agent recorded it for
// sock_global_funcs: three subprograms, so the stack depth on the summary line has three parts.
TEST(VerifierStats, Rhel81RealLogTailWithSubprograms) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_rhel81_global_funcs_tail.log"));
  EXPECT_EQ(st.metrics[Metric::InsnsProcessed], 49);
  EXPECT_EQ(st.metrics[Metric::InsnLimit], 131072);
  EXPECT_EQ(st.stack_depth, "0+1+0");
  EXPECT_FALSE(st.metrics[Metric::TotalStates].has_value());
  EXPECT_FALSE(st.metrics[Metric::VerificationTimeUs].has_value());
}

} // namespace vmtest
