// SPDX-License-Identifier: BSD-2-Clause
#include "testrun/retval.h"

#include <gtest/gtest.h>

namespace vmtest {

TEST(RetvalTest, UapiValues) {
  EXPECT_EQ(symbolic_retval("XDP_ABORTED"), 0u);
  EXPECT_EQ(symbolic_retval("XDP_DROP"), 1u);
  EXPECT_EQ(symbolic_retval("XDP_PASS"), 2u);
  EXPECT_EQ(symbolic_retval("XDP_TX"), 3u);
  EXPECT_EQ(symbolic_retval("XDP_REDIRECT"), 4u);
  EXPECT_EQ(symbolic_retval("TC_ACT_OK"), 0u);
  EXPECT_EQ(symbolic_retval("TC_ACT_SHOT"), 2u);
  EXPECT_EQ(symbolic_retval("TC_ACT_REDIRECT"), 7u);
  EXPECT_EQ(symbolic_retval("SK_PASS"), 1u);
  EXPECT_EQ(symbolic_retval("SK_DROP"), 0u);
  EXPECT_EQ(symbolic_retval("BPF_OK"), 0u);
  EXPECT_EQ(symbolic_retval("BPF_DROP"), 2u);
  EXPECT_EQ(symbolic_retval("CGROUP_SKB_ALLOW"), 1u);
}

TEST(RetvalTest, NegativeCodesWrapLikeTheKernelsU32) {
  EXPECT_EQ(symbolic_retval("TC_ACT_UNSPEC"), 0xffffffffu);
}

TEST(RetvalTest, UnknownAndWrongCaseNamesAreRejected) {
  EXPECT_FALSE(symbolic_retval("XDP_PAS"));
  EXPECT_FALSE(symbolic_retval("xdp_pass"));
  EXPECT_FALSE(symbolic_retval(""));
}

TEST(RetvalTest, NamesListIsComplete) {
  for (auto name : symbolic_retval_names())
    EXPECT_TRUE(symbolic_retval(name)) << name;
  EXPECT_GE(symbolic_retval_names().size(), 20u);
}

} // namespace vmtest
