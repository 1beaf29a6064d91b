#include "verifier/verifier_stats.h"

#include <gtest/gtest.h>

#include "results/results.h"
#include "support/fixture.h"

namespace vmtest {
using testing::fixture;

TEST(VerifierStats, Kernel5xSummaryLine) {
  auto st = parse_verifier_stats(fixture("verifier/v5_10_accepted.log"));
  EXPECT_EQ(st.insns_processed, 13);
  EXPECT_EQ(st.insn_limit, 1000000);
  EXPECT_EQ(st.max_states_per_insn, 0);
  EXPECT_EQ(st.total_states, 1);
  EXPECT_EQ(st.peak_states, 1);
  EXPECT_EQ(st.mark_read, 1);
  EXPECT_FALSE(st.verification_time_us.has_value());  // level 1 log: no BPF_LOG_STATS lines
  EXPECT_EQ(st.stack_depth, "");
  EXPECT_FALSE(st.too_large);
}

TEST(VerifierStats, StatsOnlyLogWithTimeAndSubprogStack) {
  auto st = parse_verifier_stats(fixture("verifier/v6_1_stats_only.log"));
  EXPECT_EQ(st.insns_processed, 19);
  EXPECT_EQ(st.total_states, 2);
  EXPECT_EQ(st.peak_states, 2);
  EXPECT_EQ(st.verification_time_us, 47);
  EXPECT_EQ(st.stack_depth, "0+24");
}

TEST(VerifierStats, Rhel8Kernel418Format) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_accepted.log"));
  EXPECT_EQ(st.insns_processed, 15);
  EXPECT_EQ(st.insn_limit, 131072);
  EXPECT_EQ(st.stack_depth, "4");
  // 4.18 prints no state counts; they must stay unknown, not zero.
  EXPECT_FALSE(st.total_states.has_value());
  EXPECT_FALSE(st.peak_states.has_value());
  EXPECT_FALSE(st.max_states_per_insn.has_value());
}

TEST(VerifierStats, Kernel418WithSubprograms) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_subprogs.log"));
  EXPECT_EQ(st.insns_processed, 57);
  EXPECT_EQ(st.stack_depth, "32+16");
}

TEST(VerifierStats, VeryOldKernelWithoutLimit) {
  auto st = parse_verifier_stats(fixture("verifier/v4_14_summary.log"));
  EXPECT_EQ(st.insns_processed, 2);
  EXPECT_FALSE(st.insn_limit.has_value());
  EXPECT_EQ(st.stack_depth, "0");
}

TEST(VerifierStats, TooLargeWithSummary) {
  auto st = parse_verifier_stats(fixture("verifier/v6_12_too_large.log"));
  EXPECT_TRUE(st.too_large);
  EXPECT_EQ(st.insns_processed, 1000001);
  EXPECT_EQ(st.total_states, 52180);
  EXPECT_EQ(st.peak_states, 4096);
  EXPECT_EQ(st.max_states_per_insn, 33);
  EXPECT_EQ(st.mark_read, 12);
  EXPECT_EQ(st.verification_time_us, 1622734);
  EXPECT_EQ(st.stack_depth, "64");
}

TEST(VerifierStats, TooLargeOnlyLine) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_too_large.log"));
  EXPECT_TRUE(st.too_large);
  EXPECT_EQ(st.insns_processed, 131073);
}

TEST(VerifierStats, RejectedProgramStillHasSummary) {
  auto st = parse_verifier_stats(fixture("verifier/v6_12_rejected_mem.log"));
  EXPECT_EQ(st.insns_processed, 24);
  EXPECT_EQ(st.total_states, 2);
}

TEST(VerifierStats, StopsAtNulTerminator) {
  auto st = parse_verifier_stats(fixture("verifier/v6_1_nul_terminated.log"));
  EXPECT_EQ(st.insns_processed, 3);
  EXPECT_EQ(st.insn_limit, 1000000);
}

TEST(VerifierStats, LastSummaryWinsAndCrlfTolerated) {
  auto st = parse_verifier_stats(
      "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 "
      "mark_read 0\r\nprocessed 7 insns (limit 1000000) max_states_per_insn 2 total_states 3 "
      "peak_states 2 mark_read 1\r\n");
  EXPECT_EQ(st.insns_processed, 7);
  EXPECT_EQ(st.max_states_per_insn, 2);
  EXPECT_EQ(st.mark_read, 1);
}

TEST(VerifierStats, EmptyAndUnrelatedLogsGiveNothing) {
  for (std::string_view log : {"", "\n\n", "R1 invalid mem access 'scalar'\n",
                               "processed lots of things\n", "processed 12 packets\n"}) {
    auto st = parse_verifier_stats(log);
    EXPECT_FALSE(st.insns_processed.has_value()) << log;
    EXPECT_EQ(st.stack_depth, "") << log;
  }
}

TEST(VerifierStats, ApplyFillsOnlyWhatWasFound) {
  ProgramResult p;
  p.verification_time_us = 99;
  apply_verifier_stats(parse_verifier_stats(fixture("verifier/v4_18_subprogs.log")), p);
  EXPECT_EQ(p.insns_processed, 57);
  EXPECT_EQ(p.insn_limit, 131072);
  EXPECT_EQ(p.stack_depth, "32+16");
  EXPECT_EQ(p.verification_time_us, 99);
  EXPECT_FALSE(p.total_states.has_value());
}

}  // namespace vmtest

namespace vmtest {

// The last 20 lines of a real RHEL 8.1 (4.18.0-147.el8) log, as the agent recorded it for
// sock_global_funcs: three subprograms, so the stack depth on the summary line has three parts.
TEST(VerifierStats, Rhel81RealLogTailWithSubprograms) {
  auto st = parse_verifier_stats(fixture("verifier/v4_18_rhel81_global_funcs_tail.log"));
  EXPECT_EQ(st.insns_processed, 49);
  EXPECT_EQ(st.insn_limit, 131072);
  EXPECT_EQ(st.stack_depth, "0+1+0");
  EXPECT_FALSE(st.total_states.has_value());
  EXPECT_FALSE(st.verification_time_us.has_value());
}

}  // namespace vmtest
