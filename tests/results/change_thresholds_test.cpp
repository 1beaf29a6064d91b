// SPDX-License-Identifier: BSD-2-Clause
#include "results/change_thresholds.h"

#include <gtest/gtest.h>
#include <set>

namespace vmtest {

TEST(ChangeThresholds, OneRowPerGroupWithTheBuiltInDefaults) {
  std::set<std::string_view> keys;
  for (const auto& g : kThresholdGroups) {
    EXPECT_TRUE(keys.insert(g.key).second) << g.key;
    EXPECT_EQ(&threshold_group_def(g.id), &g);
  }
  const ChangeThresholds t;
  EXPECT_EQ(t[ThresholdGroup::Insns], (ChangeLimits{10, 100}));
  EXPECT_EQ(t[ThresholdGroup::States], (ChangeLimits{10, 10}));
  // The policy's keys of old, which committed policies and vmtest.yaml files use.
  EXPECT_EQ(pct_key(ThresholdGroup::Insns), "insns_pct");
  EXPECT_EQ(abs_key(ThresholdGroup::States), "states_abs");
}

TEST(ChangeThresholds, EveryGatedMetricHasAGroup) {
  size_t gated = 0;
  for (const auto& d : kMetrics)
    if (d.gate) {
      ++gated;
      EXPECT_LT(static_cast<size_t>(*d.gate), kThresholdGroupCount) << d.key;
    }
  EXPECT_EQ(gated, 3u); // insns, total states, peak states
}

TEST(ChangeThresholds, AMoveMustExceedBothLimitsOfItsGroup) {
  const ChangeThresholds t;
  // insns (10%, 100): +150 of 1000 is past both; +50% of 100 is only 50.
  auto m = metric_move(Metric::InsnsProcessed, 1000, 1150, t);
  ASSERT_TRUE(m);
  EXPECT_EQ(describe(*m), "insns 1000 -> 1150 (+150, +15.0%)");
  EXPECT_FALSE(metric_move(Metric::InsnsProcessed, 100, 150, t));
  EXPECT_FALSE(metric_move(Metric::InsnsProcessed, 900000, 905000, t));
  // Exactly at a limit is not beyond it.
  EXPECT_FALSE(metric_move(Metric::InsnsProcessed, 1000, 1100, t));
  // Shrinking counts too.
  EXPECT_TRUE(metric_move(Metric::InsnsProcessed, 1200, 1000, t));
  // states (10%, 10): each states metric with the states limits, not the insns ones.
  EXPECT_TRUE(metric_move(Metric::PeakStates, 100, 150, t));
  EXPECT_TRUE(metric_move(Metric::TotalStates, 100, 150, t));
  EXPECT_FALSE(metric_move(Metric::PeakStates, 10, 15, t));
  // From zero: 100%.
  EXPECT_EQ(metric_move(Metric::TotalStates, 0, 20, t)->pct, 100.0);
  // Unknown on either side, or an ungated metric: no move.
  EXPECT_FALSE(metric_move(Metric::PeakStates, std::nullopt, 150, t));
  EXPECT_FALSE(metric_move(Metric::JitedSize, 100, 9000, t));
}

TEST(ChangeThresholds, OverridesChangeOnlyWhatTheySet) {
  ChangeThresholds t;
  ChangeOverrides o;
  o[ThresholdGroup::States].abs = 0;
  o.apply_to(t);
  EXPECT_EQ(t[ThresholdGroup::States], (ChangeLimits{10, 0}));
  EXPECT_EQ(t[ThresholdGroup::Insns], (ChangeLimits{10, 100}));
}

TEST(ChangeThresholds, GatedMovesListsEachMovedMetricInTableOrder) {
  Metrics a, b;
  a[Metric::InsnsProcessed] = 1000;
  b[Metric::InsnsProcessed] = 2000;
  a[Metric::PeakStates] = 100;
  b[Metric::PeakStates] = 200;
  a[Metric::TotalStates] = 100;
  b[Metric::TotalStates] = 101;
  const auto moves = gated_moves(a, b, ChangeThresholds{});
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].metric, Metric::InsnsProcessed);
  EXPECT_EQ(moves[1].metric, Metric::PeakStates);
}

} // namespace vmtest
