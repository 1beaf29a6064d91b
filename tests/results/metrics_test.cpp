// SPDX-License-Identifier: BSD-2-Clause
#include "results/metrics.h"
#include "results/results.h"

#include <gtest/gtest.h>
#include <set>

namespace vmtest {

TEST(Metrics, TableKeysAreUniqueAndLookUpBack) {
  std::set<std::string_view> keys;
  for (const auto& d : kMetrics) {
    EXPECT_TRUE(keys.insert(d.key).second) << d.key;
    EXPECT_EQ(metric_by_key(d.key), d.id);
    EXPECT_EQ(&metric_def(d.id), &d);
  }
  EXPECT_FALSE(metric_by_key("no_such_metric"));
}

TEST(Metrics, GatedMetricsAreBaselinedAndTimingIsNot) {
  for (const auto& d : kMetrics)
    if (d.gate)
      EXPECT_TRUE(d.baselined) << d.key << " is gated but not kept";
  // A baseline holds nothing that changes from run to run.
  EXPECT_FALSE(metric_def(Metric::VerificationTimeUs).baselined);
  // The informational metrics the gate issue asked for are in the diff.
  for (Metric m : {Metric::JitedSize, Metric::XlatedSize, Metric::VerificationTimeUs}) {
    EXPECT_TRUE(metric_def(m).in_diff);
    EXPECT_FALSE(metric_def(m).gate);
  }
}

TEST(Metrics, BaselinedKeepsOnlyTheBaselinedOnes) {
  Metrics m;
  m[Metric::InsnsProcessed] = 10;
  m[Metric::VerificationTimeUs] = 99;
  m[Metric::JitedSize] = 120;
  const Metrics b = m.baselined();
  EXPECT_EQ(b[Metric::InsnsProcessed], 10);
  EXPECT_EQ(b[Metric::JitedSize], 120);
  EXPECT_FALSE(b[Metric::VerificationTimeUs]);
}

TEST(Metrics, GatedKeepsOnlyTheGatedOnes) {
  Metrics m;
  m[Metric::InsnsProcessed] = 10;
  m[Metric::PeakStates] = 4;
  m[Metric::JitedSize] = 120;
  const Metrics g = m.gated();
  EXPECT_EQ(g[Metric::InsnsProcessed], 10);
  EXPECT_EQ(g[Metric::PeakStates], 4);
  EXPECT_FALSE(g[Metric::JitedSize]);
}

TEST(Metrics, MergeKeepsWhatTheOtherSideDoesNotKnow) {
  Metrics a, b;
  a[Metric::InsnsProcessed] = 1;
  a[Metric::TotalStates] = 2;
  b[Metric::TotalStates] = 3;
  a.merge_from(b);
  EXPECT_EQ(a[Metric::InsnsProcessed], 1);
  EXPECT_EQ(a[Metric::TotalStates], 3);
}

TEST(Metrics, JsonUsesTheTableKeysAndRefusesNegativeOrHugeValues) {
  Metrics m;
  m[Metric::JitedSize] = 4096;
  nlohmann::json j = nlohmann::json::object();
  put_metrics(j, m);
  EXPECT_EQ(j, nlohmann::json::parse(R"({"jited_size": 4096})"));
  Metrics back;
  get_metrics(j, back);
  EXPECT_EQ(back, m);
  for (const char* bad :
       {R"({"insns_processed": -1})", R"({"insns_processed": 1e300})",
        R"({"insns_processed": 18446744073709551615})", R"({"insns_processed": "12"})"}) {
    Metrics x;
    EXPECT_THROW(get_metrics(nlohmann::json::parse(bad), x), nlohmann::json::exception) << bad;
  }
}

} // namespace vmtest
