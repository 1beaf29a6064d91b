// SPDX-License-Identifier: BSD-2-Clause
#include "results/headroom.h"

#include "results/results.h"

#include <cstdio>

namespace vmtest {

static_assert([] {
  for (size_t i = 0; i < kFractionCount; ++i)
    if (static_cast<size_t>(kFractions[i].id) != i) return false;
  return true;
}());

std::optional<Fraction> fraction_by_key(std::string_view key) {
  for (const auto& d : kFractions)
    if (d.key == key) return d.id;
  return std::nullopt;
}

std::vector<FractionUse> headroom_of(const Metrics& m) {
  std::vector<FractionUse> out;
  for (const auto& d : kFractions) {
    const auto& used = m[d.used];
    if (!used) continue;
    int64_t limit = d.fixed_limit;
    if (d.limit_metric) {
      const auto& printed = m[*d.limit_metric];
      if (!printed) continue;
      limit = *printed;
    }
    if (limit <= 0) continue;
    out.push_back(
        {d.id, *used, limit, 100.0 * static_cast<double>(*used) / static_cast<double>(limit)});
  }
  return out;
}

std::vector<FractionUse> headroom_of(const ProgramResult& p) {
  return headroom_of(p.metrics);
}

HeadroomState headroom_state(const FractionUse& u, const HeadroomThresholds& t) {
  const HeadroomLevels& l = t[u.id];
  if (u.pct >= l.fail_pct) return HeadroomState::Fail;
  if (u.pct >= l.warn_pct) return HeadroomState::Warn;
  return HeadroomState::Ok;
}

bool crosses_headroom_threshold(const ProgramResult& p, const HeadroomThresholds& t) {
  for (const auto& u : headroom_of(p))
    if (headroom_state(u, t) != HeadroomState::Ok) return true;
  return false;
}

std::optional<FractionUse> closest_to_limit(const ProgramResult& p) {
  std::optional<FractionUse> best;
  for (const auto& u : headroom_of(p))
    if (!best || u.pct > best->pct) best = u;
  return best;
}

std::string describe(const FractionUse& u) {
  const auto& label = fraction_def(u.id).label;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.*s %lld of %lld (%.1f%%)", static_cast<int>(label.size()),
                label.data(), static_cast<long long>(u.used), static_cast<long long>(u.limit),
                u.pct);
  return buf;
}

std::optional<int64_t> stack_depth_bytes(std::string_view frames) {
  if (frames.empty()) return std::nullopt;
  int64_t total = 0, cur = 0;
  bool digit = false;
  for (char c : frames) {
    if (c >= '0' && c <= '9') {
      cur = cur * 10 + (c - '0');
      if (cur > (int64_t{1} << 40)) return std::nullopt;
      digit = true;
    } else if (c == '+' && digit) {
      total += cur;
      cur = 0;
      digit = false;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  return total + cur;
}

} // namespace vmtest
