// SPDX-License-Identifier: BSD-2-Clause
#include "results/change_thresholds.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vmtest {

// The table is indexed by ThresholdGroup: a row out of place would swap two groups' limits.
static_assert([] {
  for (size_t i = 0; i < kThresholdGroupCount; ++i)
    if (static_cast<size_t>(kThresholdGroups[i].id) != i) return false;
  return true;
}());

std::string pct_key(ThresholdGroup g) {
  return std::string(threshold_group_def(g).key) + "_pct";
}
std::string abs_key(ThresholdGroup g) {
  return std::string(threshold_group_def(g).key) + "_abs";
}

void ChangeOverrides::apply_to(ChangeThresholds& t) const {
  for (size_t i = 0; i < kThresholdGroupCount; ++i) {
    if (groups[i].pct) t.limits[i].pct = *groups[i].pct;
    if (groups[i].abs) t.limits[i].abs = *groups[i].abs;
  }
}

std::optional<MetricMove> metric_move(Metric m, const std::optional<int64_t>& before,
                                      const std::optional<int64_t>& after,
                                      const ChangeThresholds& t) {
  const auto group = metric_def(m).gate;
  if (!group || !before || !after || *before == *after) return std::nullopt;
  const ChangeLimits& limit = t[*group];
  const int64_t delta = *after - *before;
  const double pct =
      *before == 0 ? 100.0 : 100.0 * static_cast<double>(delta) / static_cast<double>(*before);
  if (std::llabs(delta) <= limit.abs || std::fabs(pct) <= limit.pct) return std::nullopt;
  return MetricMove{m, *before, *after, pct};
}

std::vector<MetricMove> gated_moves(const Metrics& before, const Metrics& after,
                                    const ChangeThresholds& t) {
  std::vector<MetricMove> out;
  for (const auto& d : kMetrics)
    if (auto move = metric_move(d.id, before[d.id], after[d.id], t)) out.push_back(*move);
  return out;
}

std::string describe(const MetricMove& m) {
  const std::string_view label = metric_def(m.metric).label;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.*s %lld -> %lld (%+lld, %+.1f%%)",
                static_cast<int>(label.size()), label.data(), static_cast<long long>(m.before),
                static_cast<long long>(m.after), static_cast<long long>(m.after - m.before), m.pct);
  return buf;
}

} // namespace vmtest
