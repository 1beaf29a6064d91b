// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Change thresholds: how far a gated metric may move from its baseline before the gate reports
// it. Each pair of thresholds is one row of kThresholdGroups, as each headroom limit is one row
// of kFractions (results/headroom.h), and each gated metric names its group in kMetrics
// (results/metrics.h). The policy file, vmtest.yaml, the command line and the guest's manifest
// all spell a group's thresholds `<key>_pct` and `<key>_abs` (flags: --<key>-pct, --<key>-abs).
//
// metric_move() below is THE change test: the gate (baseline/classify.cpp) and the guest's
// choice of full logs (results/full_log_selection.h) both call it, so they cannot disagree.
#include "results/metrics.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

// A move counts only when it exceeds BOTH limits: +3 insns on a 10-insn program is 30% but
// noise, +2000 on a 900k program is 0.2% and noise.
struct ChangeLimits {
  double pct = 0;  // percent of the baseline value
  int64_t abs = 0; // absolute difference
  bool operator==(const ChangeLimits&) const = default;
};

struct ThresholdGroupDef {
  ThresholdGroup id;
  std::string_view key;   // "insns": keys insns_pct / insns_abs, flags --insns-pct / --insns-abs
  std::string_view label; // in help texts: "Insns change (percent) that warns"
  ChangeLimits defaults;
};

inline constexpr std::array<ThresholdGroupDef, kThresholdGroupCount> kThresholdGroups{{
    {ThresholdGroup::Insns, "insns", "Insns", {10.0, 100}},
    {ThresholdGroup::States, "states", "States", {10.0, 10}},
}};

constexpr const ThresholdGroupDef& threshold_group_def(ThresholdGroup g) {
  return kThresholdGroups[static_cast<size_t>(g)];
}

// "insns_pct", "states_abs": a threshold's key in every file that sets it.
std::string pct_key(ThresholdGroup g);
std::string abs_key(ThresholdGroup g);

// The change thresholds of every group, indexed by ThresholdGroup; the table's defaults.
struct ChangeThresholds {
  std::array<ChangeLimits, kThresholdGroupCount> limits = [] {
    std::array<ChangeLimits, kThresholdGroupCount> d{};
    for (const auto& g : kThresholdGroups)
      d[static_cast<size_t>(g.id)] = g.defaults;
    return d;
  }();
  const ChangeLimits& operator[](ThresholdGroup g) const { return limits[static_cast<size_t>(g)]; }
  ChangeLimits& operator[](ThresholdGroup g) { return limits[static_cast<size_t>(g)]; }
  bool operator==(const ChangeThresholds&) const = default;
};

// The limits a policy (or vmtest.yaml) changes; unset ones keep what they override.
struct ChangeOverrides {
  struct Limits {
    std::optional<double> pct;
    std::optional<int64_t> abs;
  };
  std::array<Limits, kThresholdGroupCount> groups{};
  const Limits& operator[](ThresholdGroup g) const { return groups[static_cast<size_t>(g)]; }
  Limits& operator[](ThresholdGroup g) { return groups[static_cast<size_t>(g)]; }
  void apply_to(ChangeThresholds& t) const;
};

// A gated metric that moved beyond its group's thresholds.
struct MetricMove {
  Metric metric;
  int64_t before = 0;
  int64_t after = 0;
  double pct = 0; // signed, of `before` (100 when `before` is 0)
};

// The change test: whether metric `m` moved from `before` to `after` beyond its group's
// thresholds. Nothing for an ungated metric, or when either side is unknown.
std::optional<MetricMove> metric_move(Metric m, const std::optional<int64_t>& before,
                                      const std::optional<int64_t>& after,
                                      const ChangeThresholds& t);

// Every gated metric that moved, in kMetrics order.
std::vector<MetricMove> gated_moves(const Metrics& before, const Metrics& after,
                                    const ChangeThresholds& t);

// "insns 1200 -> 1500 (+300, +25.0%)".
std::string describe(const MetricMove& m);

} // namespace vmtest
