// SPDX-License-Identifier: BSD-2-Clause
#include "results/headroom.h"
#include "results/results.h"
#include "support/result_builders.h"

#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;
namespace {

TEST(Headroom, TableRowsAreInOrderAndKeysLookUpBack) {
  for (const auto& d : kFractions) {
    EXPECT_EQ(fraction_by_key(d.key), d.id);
    EXPECT_FALSE(d.limit_source.empty());
    EXPECT_FALSE(d.limit_name.empty());
  }
  EXPECT_FALSE(fraction_by_key("states"));
}

TEST(Headroom, InsnLimitComesFromTheLogNeverFromAnAssumption) {
  // RHEL 8.1 prints 131072: 100000 insns there is 76%, not 10%.
  auto rhel = headroom_of(counted(100000, 131072, std::nullopt, std::nullopt));
  ASSERT_EQ(rhel.size(), 1u);
  EXPECT_EQ(rhel[0].id, Fraction::Insns);
  EXPECT_EQ(rhel[0].limit, 131072);
  EXPECT_NEAR(rhel[0].pct, 76.29, 0.01);
  // No "(limit M)" in the log: no insns fraction at all.
  EXPECT_TRUE(headroom_of(counted(100000, std::nullopt, std::nullopt, std::nullopt)).empty());
}

TEST(Headroom, StackAndMapsUseTheKernelsFixedLimits) {
  auto all = headroom_of(counted(10, 1000000, 384, 16));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].id, Fraction::Stack);
  EXPECT_EQ(all[1].limit, 512);
  EXPECT_DOUBLE_EQ(all[1].pct, 75.0);
  EXPECT_EQ(all[2].id, Fraction::Maps);
  EXPECT_EQ(all[2].limit, 64);
  EXPECT_DOUBLE_EQ(all[2].pct, 25.0);
}

TEST(Headroom, DefaultThresholdsWarnAndFailAtTheIssuesFigures) {
  HeadroomThresholds t;
  auto state = [&](int64_t insns) {
    return headroom_state(headroom_of(counted(insns, 1000000, std::nullopt, std::nullopt))[0], t);
  };
  EXPECT_EQ(state(499999), HeadroomState::Ok);
  EXPECT_EQ(state(500000), HeadroomState::Warn);
  EXPECT_EQ(state(849999), HeadroomState::Warn);
  EXPECT_EQ(state(850000), HeadroomState::Fail);
  auto stack = [&](int64_t bytes) {
    return headroom_state(headroom_of(counted(1, std::nullopt, bytes, std::nullopt))[0], t);
  };
  EXPECT_EQ(stack(383), HeadroomState::Ok);
  EXPECT_EQ(stack(384), HeadroomState::Warn); // 75%
  EXPECT_EQ(stack(461), HeadroomState::Fail); // 90.04%
}

TEST(Headroom, CrossesAThresholdWhenAnyFractionWarns) {
  EXPECT_FALSE(crosses_headroom_threshold(counted(1000, 1000000, 64, 2)));
  EXPECT_TRUE(crosses_headroom_threshold(counted(1000, 1000000, 400, 2)));
  EXPECT_TRUE(crosses_headroom_threshold(counted(1000, 1000000, 64, 60)));
  HeadroomThresholds strict;
  strict[Fraction::Insns] = {0.05, 1};
  EXPECT_TRUE(crosses_headroom_threshold(counted(1000, 1000000, 64, 2), strict));
}

TEST(Headroom, ClosestToLimitPicksTheLargestFraction) {
  auto c = closest_to_limit(counted(1000, 1000000, 256, 2));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, Fraction::Stack);
  EXPECT_EQ(describe(*c), "stack 256 of 512 (50.0%)");
  EXPECT_FALSE(closest_to_limit(ProgramResult{}));
}

TEST(Headroom, StackDepthBytesSumsTheFrames) {
  EXPECT_EQ(stack_depth_bytes("32"), 32);
  EXPECT_EQ(stack_depth_bytes("32+0+16"), 48);
  EXPECT_FALSE(stack_depth_bytes(""));
  EXPECT_FALSE(stack_depth_bytes("+8"));
  EXPECT_FALSE(stack_depth_bytes("8+"));
  EXPECT_FALSE(stack_depth_bytes("8 bytes"));
}

} // namespace
} // namespace vmtest
