// SPDX-License-Identifier: BSD-2-Clause
#include "results/metrics.h"

namespace vmtest {

// The table is indexed by Metric: a row out of place would silently swap two metrics.
static_assert([] {
  for (size_t i = 0; i < kMetricCount; ++i)
    if (static_cast<size_t>(kMetrics[i].id) != i) return false;
  return true;
}());

std::optional<Metric> metric_by_key(std::string_view key) {
  for (const auto& d : kMetrics)
    if (d.key == key) return d.id;
  return std::nullopt;
}

void Metrics::merge_from(const Metrics& other) {
  for (size_t i = 0; i < kMetricCount; ++i)
    if (other.values[i]) values[i] = other.values[i];
}

Metrics Metrics::baselined() const {
  Metrics out;
  for (const auto& d : kMetrics)
    if (d.baselined) out[d.id] = (*this)[d.id];
  return out;
}

Metrics Metrics::gated() const {
  Metrics out;
  for (const auto& d : kMetrics)
    if (d.gate) out[d.id] = (*this)[d.id];
  return out;
}

} // namespace vmtest
