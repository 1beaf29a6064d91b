// SPDX-License-Identifier: BSD-2-Clause
#include "agent/features.h"

#include <gtest/gtest.h>

namespace vmtest {

// What the level-4 probe program leaves in the log on each kind of kernel.
TEST(Features, StatsOnlyLogIsRecognisedByItsContent) {
  // 5.2+: BPF_LOG_STATS prints the summary and nothing else.
  EXPECT_TRUE(is_stats_only_log(
      "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 "
      "mark_read 0\n"));
  EXPECT_TRUE(is_stats_only_log("verification time 7 usec\nstack depth 0\nprocessed 2 insns "
                                "(limit 1000000) max_states_per_insn 0 total_states 0 "
                                "peak_states 0 mark_read 0\n"));
  // RHEL 8.1's 4.18 accepts level 4 and prints the whole trace: not stats.
  EXPECT_FALSE(is_stats_only_log("0: (b7) r0 = 0\n1: (95) exit\n"
                                 "processed 2 insns (limit 131072), stack depth 0\n"));
  EXPECT_FALSE(is_stats_only_log("  12: (95) exit\nprocessed 13 insns\n"));
  // Nothing at all (a kernel that accepts the level and logs nothing) proves nothing either.
  EXPECT_FALSE(is_stats_only_log(""));
  EXPECT_FALSE(is_stats_only_log("func#0 @0\n"));
}

} // namespace vmtest
