// SPDX-License-Identifier: BSD-2-Clause
#include "results/results.h"
#include "verifier/full_log_selection.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace {

ProgramResult accepted(int64_t insns, int64_t states = 5) {
  ProgramResult p;
  p.verdict = Verdict::Accepted;
  p.metrics[Metric::InsnsProcessed] = insns;
  p.metrics[Metric::InsnLimit] = 1000000;
  p.metrics[Metric::TotalStates] = states;
  return p;
}

FullLogReason reason(const ProgramResult& p, const ProgramExpectation* base, bool all = false) {
  return full_log_reason(p, base, ChangeThresholds{}, HeadroomThresholds{}, all);
}

} // namespace

TEST(FullLogSelection, RejectedProgramsAlwaysKeepTheirLog) {
  ProgramResult p;
  p.verdict = Verdict::Rejected;
  EXPECT_EQ(reason(p, nullptr), FullLogReason::Rejected);
  ProgramExpectation was_rejected{Verdict::Rejected, 10, 1};
  EXPECT_EQ(reason(p, &was_rejected), FullLogReason::Rejected);
}

TEST(FullLogSelection, OrdinaryAcceptedProgramsDoNot) {
  EXPECT_EQ(reason(accepted(1000), nullptr), FullLogReason::None);
  ProgramExpectation same{Verdict::Accepted, 1000, 5};
  EXPECT_EQ(reason(accepted(1050, 6), &same), FullLogReason::None);
}

TEST(FullLogSelection, AVerdictThatFlippedToAccepted) {
  ProgramExpectation was{Verdict::Rejected, 20, 1};
  EXPECT_EQ(reason(accepted(1000), &was), FullLogReason::VerdictChanged);
}

TEST(FullLogSelection, StatsMustMoveBeyondBothThresholds) {
  ProgramExpectation base{Verdict::Accepted, 1000, 5};
  // +15%, but only 150 insns more: beyond both (10%, 100).
  EXPECT_EQ(reason(accepted(1150), &base), FullLogReason::StatsMoved);
  // +50% of a small program is still under 100 insns.
  ProgramExpectation small{Verdict::Accepted, 100, 5};
  EXPECT_EQ(reason(accepted(150), &small), FullLogReason::None);
  // Shrinking counts too: it changed.
  EXPECT_EQ(reason(accepted(500), &base), FullLogReason::StatsMoved);
  // States alone.
  ProgramExpectation states{Verdict::Accepted, 1000, 100};
  EXPECT_EQ(reason(accepted(1000, 150), &states), FullLogReason::StatsMoved);
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
