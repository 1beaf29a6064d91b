// SPDX-License-Identifier: BSD-2-Clause
#include "agent/full_log.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(FullLogCap, KeepsTheEndFromAWholeLine) {
  std::string log = "first line\nsecond line\nthird: the error\nprocessed 3 insns\n";
  EXPECT_FALSE(cap_log(log, log.size()));
  std::string cut = log;
  EXPECT_TRUE(cap_log(cut, 30));
  EXPECT_EQ(cut, "processed 3 insns\n");
  EXPECT_LE(cut.size(), 30u);
  std::string one = "no newline at all";
  EXPECT_TRUE(cap_log(one, 4));
  EXPECT_EQ(one, "");
}

} // namespace vmtest
