// SPDX-License-Identifier: BSD-2-Clause
#include "results/full_log_selection.h"
#include "results/results.h"
#include "support/result_builders.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace {

ProgramResult accepted(int64_t insns, int64_t states = 5) {
  ProgramResult p = testing::counted(insns, 1000000);
  p.metrics[Metric::TotalStates] = states;
  return p;
}

// What a baseline recorded, as the manifest carries it.
ProgramExpectation expect(Verdict v, int64_t insns, int64_t states) {
  ProgramExpectation e;
  e.verdict = v;
  e.metrics[Metric::InsnsProcessed] = insns;
  e.metrics[Metric::TotalStates] = states;
  return e;
}

FullLogReason reason(const ProgramResult& p, const ProgramExpectation* base, bool all = false) {
  return full_log_reason(p, base, ChangeThresholds{}, HeadroomThresholds{}, all);
}

} // namespace

TEST(FullLogSelection, RejectedProgramsAlwaysKeepTheirLog) {
  ProgramResult p;
  p.verdict = Verdict::Rejected;
  EXPECT_EQ(reason(p, nullptr), FullLogReason::Rejected);
  const ProgramExpectation was_rejected = expect(Verdict::Rejected, 10, 1);
  EXPECT_EQ(reason(p, &was_rejected), FullLogReason::Rejected);
}

TEST(FullLogSelection, OrdinaryAcceptedProgramsDoNot) {
  EXPECT_EQ(reason(accepted(1000), nullptr), FullLogReason::None);
  const ProgramExpectation same = expect(Verdict::Accepted, 1000, 5);
  EXPECT_EQ(reason(accepted(1050, 6), &same), FullLogReason::None);
}

TEST(FullLogSelection, AVerdictThatFlippedToAccepted) {
  const ProgramExpectation was = expect(Verdict::Rejected, 20, 1);
  EXPECT_EQ(reason(accepted(1000), &was), FullLogReason::VerdictChanged);
}

TEST(FullLogSelection, StatsMustMoveBeyondBothThresholds) {
  const ProgramExpectation base = expect(Verdict::Accepted, 1000, 5);
  // +15%, but only 150 insns more: beyond both (10%, 100).
  EXPECT_EQ(reason(accepted(1150), &base), FullLogReason::StatsMoved);
  // +50% of a small program is still under 100 insns.
  const ProgramExpectation small = expect(Verdict::Accepted, 100, 5);
  EXPECT_EQ(reason(accepted(150), &small), FullLogReason::None);
  // Shrinking counts too: it changed.
  EXPECT_EQ(reason(accepted(500), &base), FullLogReason::StatsMoved);
  // States alone.
  const ProgramExpectation states = expect(Verdict::Accepted, 1000, 100);
  EXPECT_EQ(reason(accepted(1000, 150), &states), FullLogReason::StatsMoved);
}

// Every gated metric counts, each with its group's thresholds: peak states share the states
// group, and once moved without a full log while the gate reported them.
TEST(FullLogSelection, EveryGatedMetricCountsPeakStatesToo) {
  ProgramExpectation base = expect(Verdict::Accepted, 1000, 100);
  base.metrics[Metric::PeakStates] = 40;
  ProgramResult p = accepted(1000, 100);
  p.metrics[Metric::PeakStates] = 40;
  EXPECT_EQ(reason(p, &base), FullLogReason::None);
  p.metrics[Metric::PeakStates] = 60; // +20 (+50%): beyond 10% and 10 states
  EXPECT_EQ(reason(p, &base), FullLogReason::StatsMoved);
  ChangeThresholds wide;
  wide[ThresholdGroup::States] = {60, 10};
  EXPECT_EQ(full_log_reason(p, &base, wide, HeadroomThresholds{}, false), FullLogReason::None);
  // An ungated metric moving is nobody's business here.
  p.metrics[Metric::PeakStates] = 40;
  p.metrics[Metric::JitedSize] = 9000;
  base.metrics[Metric::JitedSize] = 100;
  EXPECT_EQ(reason(p, &base), FullLogReason::None);
}

TEST(FullLogSelection, HeadroomHookUsesTheLimitFromTheLog) {
  ProgramResult p = accepted(70000);
  EXPECT_EQ(reason(p, nullptr), FullLogReason::None);
  p.metrics[Metric::InsnLimit] = 131072; // RHEL 8's limit: 53% used
  EXPECT_TRUE(crosses_headroom_threshold(p, HeadroomThresholds{}));
  EXPECT_EQ(reason(p, nullptr), FullLogReason::NearLimit);
  ProgramResult deep = accepted(10);
  deep.metrics[Metric::StackDepth] = 416; // "256+160": 416 of 512, above 75%
  EXPECT_EQ(reason(deep, nullptr), FullLogReason::NearLimit);
  deep.metrics[Metric::StackDepth] = 256;
  EXPECT_EQ(reason(deep, nullptr), FullLogReason::None);
}

TEST(FullLogSelection, AskingForAllSelectsTheRest) {
  EXPECT_EQ(reason(accepted(10), nullptr, true), FullLogReason::Requested);
}

TEST(FullLogSelection, ReasonsRoundTripAsWords) {
  for (auto r : {FullLogReason::None, FullLogReason::Rejected, FullLogReason::VerdictChanged,
                 FullLogReason::StatsMoved, FullLogReason::NearLimit, FullLogReason::Requested})
    EXPECT_EQ(parse_full_log_reason(to_string(r)), r);
  EXPECT_FALSE(parse_full_log_reason("bogus"));
}

} // namespace vmtest
