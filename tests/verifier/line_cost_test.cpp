// SPDX-License-Identifier: BSD-2-Clause
#include "support/fixture.h"
#include "verifier/line_cost.h"

#include <gtest/gtest.h>

namespace vmtest {
using testing::fixture;

// Real logs of tests/e2e/full_logs_e2e_test.cpp's object (BOUND 8), printed by the host's 6.18:
// level 2 for the accepted program (level 1 keeps nothing of a verified path), level 1 for the
// rejected one, as the agent records them.
TEST(LineCost, RealLevel2LogAccountsForEveryProcessedInsn) {
  auto costs = line_costs(fixture("verifier/v6_18_level2_bounded_loop.log"));
  ASSERT_EQ(costs.size(), 4u);
  int64_t total = 0;
  for (const auto& c : costs)
    total += c.insns;
  EXPECT_EQ(total, 90) << "the summary line says: processed 90 insns";
  EXPECT_EQ(costs[0].location, "sum.bpf.c:8");
  EXPECT_EQ(costs[0].source, "for (int i = 0; i < BOUND; i++)");
  EXPECT_EQ(costs[0].insns, 55);
  EXPECT_EQ(costs[1].location, "sum.bpf.c:9");
  EXPECT_EQ(costs[1].insns, 24);
}

TEST(LineCost, RealLevel1RejectionCostsTheFailingPath) {
  auto costs = line_costs(fixture("verifier/v6_18_level1_rejected_oob.log"));
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_EQ(costs[0].insns + costs[1].insns, 2);
  EXPECT_EQ(costs[1].location, "sum.bpf.c:16");
}

// Hand-written in the 6.x format, to pin the attribution rules on a log small enough to read.
TEST(LineCost, AttributesEachProcessedInsnToTheSourceLineBeforeIt) {
  auto costs = line_costs(fixture("verifier/handwritten_line_info_loop.log"));
  ASSERT_EQ(costs.size(), 4u);
  // The loop body was walked twice: 8 insns. Line 14 is reached on both branches: 5 + 2.
  EXPECT_EQ(costs[0].location, "loop.bpf.c:16");
  EXPECT_EQ(costs[0].insns, 8);
  EXPECT_EQ(costs[0].source, "for (int i = 0; i < NBYTES; i++) sum += buf[i];");
  EXPECT_EQ(costs[1].location, "loop.bpf.c:14");
  EXPECT_EQ(costs[1].insns, 7);
  EXPECT_EQ(costs[2].location, "loop.bpf.c:17");
  EXPECT_EQ(costs[2].insns, 2);
  EXPECT_EQ(costs[3].location, "loop.bpf.c:10");
  EXPECT_EQ(costs[3].insns, 1);
  // Together they are every insn the summary line counts.
  int64_t total = 0;
  for (const auto& c : costs)
    total += c.insns;
  EXPECT_EQ(total, 18);
}

TEST(LineCost, LogWithoutLineInfoHasNoCosts) {
  EXPECT_TRUE(line_costs(fixture("verifier/v6_1_stats_only.log")).empty());
  EXPECT_TRUE(line_costs("0: (b7) r0 = 0\n1: (95) exit\nprocessed 2 insns\n").empty());
}

TEST(LineCost, OlderKernelsPrintTheSourceWithoutALocation) {
  auto costs = line_costs("; return 0;\n0: (b7) r0 = 0\n1: (95) exit\n");
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_EQ(costs[0].location, "");
  EXPECT_EQ(costs[0].source, "return 0;");
  EXPECT_EQ(costs[0].key(), "return 0;");
  EXPECT_EQ(costs[0].insns, 2);
}

TEST(LineCost, Level2StateLinesAreNotInstructions) {
  auto costs = line_costs("; x = 1; @ a.c:3\n"
                          "0: R1=ctx() R10=fp0\n"
                          "0: (b7) r0 = 1\n"
                          "1: R0_w=1\n"
                          "1: (95) exit\n"
                          "from 0 to 1: R0=1\n");
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_EQ(costs[0].insns, 2);
}

TEST(LineCost, AnAtSignInsideTheSourceIsNotALocation) {
  auto costs = line_costs("; s = \"a @ b\"; @ x.bpf.c:9\n0: (b7) r0 = 0\n"
                          "; t = \"c @ d\";\n1: (95) exit\n");
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_EQ(costs[0].key(), "t = \"c @ d\";");
  EXPECT_EQ(costs[1].location, "x.bpf.c:9");
  EXPECT_EQ(costs[1].source, "s = \"a @ b\";");
}

TEST(LineCost, TopKeepsTheMostExpensive) {
  auto top = top_line_costs(line_costs(fixture("verifier/handwritten_line_info_loop.log")), 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[1].location, "loop.bpf.c:14");
}

} // namespace vmtest
