// SPDX-License-Identifier: BSD-2-Clause
#include "results/full_log_selection.h"

#include "results/results.h"

#include <array>

namespace vmtest {
namespace {

constexpr std::array<std::pair<FullLogReason, std::string_view>, 6> kReasons{{
    {FullLogReason::None, "none"},
    {FullLogReason::Rejected, "rejected"},
    {FullLogReason::VerdictChanged, "verdict_changed"},
    {FullLogReason::StatsMoved, "stats_moved"},
    {FullLogReason::NearLimit, "near_limit"},
    {FullLogReason::Requested, "requested"},
}};

} // namespace

const char* to_string(FullLogReason r) {
  for (const auto& [v, s] : kReasons)
    if (v == r) return s.data();
  return "none";
}

std::optional<FullLogReason> parse_full_log_reason(std::string_view s) {
  for (const auto& [v, name] : kReasons)
    if (name == s) return v;
  return std::nullopt;
}

FullLogReason full_log_reason(const ProgramResult& p, const ProgramExpectation* base,
                              const ChangeThresholds& change, const HeadroomThresholds& headroom,
                              bool all_requested) {
  if (p.verdict == Verdict::Rejected) return FullLogReason::Rejected;
  if (base && base->verdict != p.verdict) return FullLogReason::VerdictChanged;
  if (base && !gated_moves(base->metrics, p.metrics, change).empty())
    return FullLogReason::StatsMoved;
  if (crosses_headroom_threshold(p, headroom)) return FullLogReason::NearLimit;
  return all_requested ? FullLogReason::Requested : FullLogReason::None;
}

} // namespace vmtest
