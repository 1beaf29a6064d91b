// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Every per-program number vmtest measures is one row of kMetrics (veristat's stat_defs[] is
// the model). The row decides its JSON key in results.json and the baselines, its label in
// tables, its veristat CSV column, whether baselines keep it, and whether the gate compares
// it and with which change thresholds (a ThresholdGroup, one row of kThresholdGroups in
// results/change_thresholds.h). Adding a metric means: a row here, the code that measures it
// (the verifier log parser or the agent), and a test; a metric with thresholds of its own adds
// a group and its row. Nothing else names metrics or threshold groups one by one.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vmtest {

enum class Metric : size_t {
  InsnsProcessed, // "processed N insns": the verifier's work, and what its limit caps
  InsnLimit,      // the limit printed next to it (1000000, or 131072 on old kernels)
  MaxStatesPerInsn,
  TotalStates,
  PeakStates,
  MarkRead,
  VerificationTimeUs, // "verification time N usec" (5.2+ with BPF_LOG_STATS); varies per run
  XlatedSize,         // bpf_prog_info.xlated_prog_len, bytes after the verifier's rewrites
  JitedSize,          // bpf_prog_info.jited_prog_len, bytes of machine code
  VerifiedInsns,      // bpf_prog_info.verified_insns (5.16+)
  StackDepth,         // bytes: the sum of the "stack depth a+b" frames, as veristat counts it
  MapsUsed,           // bpf_prog_info.nr_map_ids: maps the loaded program holds (.rodata too)
  Count
};
inline constexpr size_t kMetricCount = static_cast<size_t>(Metric::Count);

// Which pair of change thresholds (percent and absolute, both must be exceeded) gates a metric;
// each has one row in kThresholdGroups (results/change_thresholds.h), which this indexes.
enum class ThresholdGroup : size_t { Insns, States, Count };
inline constexpr size_t kThresholdGroupCount = static_cast<size_t>(ThresholdGroup::Count);

struct MetricDef {
  Metric id;
  std::string_view key;      // JSON key in results.json and baselines
  std::string_view label;    // column header and prose name
  std::string_view veristat; // veristat CSV column; empty: veristat has none
  int64_t veristat_divisor;  // veristat counts xlated size in insns (8 bytes each)
  bool baselined;            // deterministic for one kernel build and object: kept in baselines
  // The change thresholds the gate compares it with; none: informational, shown in diffs but
  // never a finding. The guest's choice of full logs follows the same column.
  std::optional<ThresholdGroup> gate;
  bool in_diff; // a column in diff tables (terminal, HTML, `vmtest diff`)
};

inline constexpr std::array<MetricDef, kMetricCount> kMetrics{{
    {Metric::InsnsProcessed, "insns_processed", "insns", "total_insns", 1, true,
     ThresholdGroup::Insns, true},
    {Metric::InsnLimit, "insn_limit", "insn limit", "", 1, false, std::nullopt, false},
    {Metric::MaxStatesPerInsn, "max_states_per_insn", "max states/insn", "max_states_per_insn", 1,
     false, std::nullopt, false},
    {Metric::TotalStates, "total_states", "states", "total_states", 1, true, ThresholdGroup::States,
     true},
    {Metric::PeakStates, "peak_states", "peak states", "peak_states", 1, true,
     ThresholdGroup::States, true},
    {Metric::MarkRead, "mark_read", "mark_read", "mark_read", 1, false, std::nullopt, false},
    {Metric::VerificationTimeUs, "verification_time_us", "verify time (us)", "duration", 1, false,
     std::nullopt, true},
    {Metric::XlatedSize, "xlated_size", "xlated B", "prog_size", 8, true, std::nullopt, true},
    {Metric::JitedSize, "jited_size", "jited B", "prog_size_jited", 1, true, std::nullopt, true},
    {Metric::VerifiedInsns, "verified_insns", "verified insns", "", 1, false, std::nullopt, false},
    // Headroom inputs (results/headroom.h). Not baselined: the gate judges them against the
    // kernel's limits, not against a previous run. veristat prints stack depth in a column of
    // its own, outside its stats, so it has no veristat name here.
    {Metric::StackDepth, "stack_depth_bytes", "stack B", "", 1, false, std::nullopt, false},
    {Metric::MapsUsed, "maps_used", "maps", "", 1, false, std::nullopt, false},
}};

constexpr const MetricDef& metric_def(Metric m) {
  return kMetrics[static_cast<size_t>(m)];
}
std::optional<Metric> metric_by_key(std::string_view key);

// One program's measured values, indexed by Metric; unset means "the kernel did not say".
struct Metrics {
  std::array<std::optional<int64_t>, kMetricCount> values{};

  const std::optional<int64_t>& operator[](Metric m) const {
    return values[static_cast<size_t>(m)];
  }
  std::optional<int64_t>& operator[](Metric m) { return values[static_cast<size_t>(m)]; }
  // Copies the values `other` has, keeping ours where it has none.
  void merge_from(const Metrics& other);
  // Only the metrics baselines keep.
  Metrics baselined() const;
  // Only the metrics the gate compares (a gate group set).
  Metrics gated() const;
  bool operator==(const Metrics&) const = default;
};

} // namespace vmtest
