// SPDX-License-Identifier: BSD-2-Clause
#include "results/line_cost.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(LineGrowth, NamesTheLinesThatGrewLargestFirst) {
  std::vector<LineCost> before = {{"p.c:42", "loop", 100}, {"p.c:7", "x", 10}, {"p.c:8", "y", 5}};
  std::vector<LineCost> after = {
      {"p.c:42", "loop", 3200}, {"p.c:7", "x", 12}, {"p.c:8", "y", 4}, {"p.c:50", "new", 30}};
  auto g = line_growth(before, after, true);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(describe_growth(g[0]), "p.c:42 +3,100 insns");
  EXPECT_EQ(g[1].key, "p.c:50");
  EXPECT_EQ(g[1].before, 0);
  EXPECT_EQ(g[2].key, "p.c:7");
  // When the reference kept only its top lines, a line missing from it is not guessed at.
  auto partial = line_growth(before, after, false);
  ASSERT_EQ(partial.size(), 2u);
  EXPECT_EQ(partial[1].key, "p.c:7");
}

TEST(LineGrowth, GroupsThousands) {
  EXPECT_EQ(signed_grouped(0), "+0");
  EXPECT_EQ(signed_grouped(999), "+999");
  EXPECT_EQ(signed_grouped(1000), "+1,000");
  EXPECT_EQ(signed_grouped(-1234567), "-1,234,567");
}

} // namespace vmtest
