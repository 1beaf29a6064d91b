// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Headroom: how much of the kernel's limits a program uses. A verdict flip is the last moment
// to learn that a program outgrew its kernel; a program at 90% of the instruction limit is one
// clang upgrade away from it. Each limit is one row of kFractions: which metric counts the use,
// and where the limit comes from. The policy (baseline/policy.h) sets warn/fail thresholds per
// fraction; the gate (baseline/classify.cpp) turns a crossed one into a finding.
#include "results/metrics.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

struct ProgramResult;

enum class Fraction : size_t { Insns, Stack, Maps, Count };
inline constexpr size_t kFractionCount = static_cast<size_t>(Fraction::Count);

struct FractionDef {
  Fraction id;
  std::string_view key;   // in policy files and JSON: "insns", "stack", "maps"
  std::string_view label; // in tables and findings
  Metric used;            // what the program uses
  // The limit: read from this metric when set (the kernel prints it), else `fixed_limit`.
  std::optional<Metric> limit_metric;
  int64_t fixed_limit;
  std::string_view limit_name;   // short, in findings: where the limit comes from
  std::string_view limit_source; // longer, in reports, so a reader can check it
};

inline constexpr std::array<FractionDef, kFractionCount> kFractions{{
    // The kernel prints its own limit next to the count: 1000000 since 5.2, 131072 on RHEL
    // 8.1's 4.18. Never assumed: a log without "(limit M)" gives no insns fraction.
    {Fraction::Insns, "insns", "insns", Metric::InsnsProcessed, Metric::InsnLimit, 0,
     "the kernel's log", "processed insns over the limit the kernel printed in the log"},
    // MAX_BPF_STACK: a call chain's frames together may use 512 bytes. The metric sums every
    // frame the log lists (veristat's count), an upper bound on the deepest chain.
    {Fraction::Stack, "stack", "stack", Metric::StackDepth, std::nullopt, 512, "MAX_BPF_STACK",
     "stack depth over MAX_BPF_STACK (512 bytes, include/linux/filter.h)"},
    // MAX_USED_MAPS: the verifier refuses a program referencing more distinct maps ("too many
    // maps"). The kernel neither prints nor exports it; it has been 64 on every kernel in the
    // matrix (include/linux/bpf_verifier.h), the figure Cilium's complexity gate uses too.
    {Fraction::Maps, "maps", "maps", Metric::MapsUsed, std::nullopt, 64, "MAX_USED_MAPS",
     "maps used over MAX_USED_MAPS (64, include/linux/bpf_verifier.h)"},
}};

constexpr const FractionDef& fraction_def(Fraction f) {
  return kFractions[static_cast<size_t>(f)];
}
std::optional<Fraction> fraction_by_key(std::string_view key);

// Percentages of the limit; reaching `warn_pct` warns, reaching `fail_pct` fails.
struct HeadroomLevels {
  double warn_pct = 0;
  double fail_pct = 0;
  bool operator==(const HeadroomLevels&) const = default;
};

// Defaults: warn at 50% of the insn limit and 75% of the stack, fail at 85% / 90% (Datadog
// flags 85% of the insn limit; Cilium fails at 90% of the stack and of the map limit).
struct HeadroomThresholds {
  std::array<HeadroomLevels, kFractionCount> levels{{{50, 85}, {75, 90}, {75, 90}}};
  const HeadroomLevels& operator[](Fraction f) const { return levels[static_cast<size_t>(f)]; }
  HeadroomLevels& operator[](Fraction f) { return levels[static_cast<size_t>(f)]; }
  bool operator==(const HeadroomThresholds&) const = default;
};

enum class HeadroomState { Ok, Warn, Fail };

// One fraction of one program: used / limit.
struct FractionUse {
  Fraction id;
  int64_t used = 0;
  int64_t limit = 0;
  double pct = 0; // 100 * used / limit
};

// Every fraction the program's metrics allow (a kernel that printed no limit, or a rejected
// program without map counts, simply gives fewer), in kFractions order.
std::vector<FractionUse> headroom_of(const Metrics& m);
std::vector<FractionUse> headroom_of(const ProgramResult& p);

HeadroomState headroom_state(const FractionUse& u, const HeadroomThresholds& t);

// Whether the program reaches a warn or fail threshold of any fraction. The one answer to
// "does this program cross a headroom threshold?": the gate's findings and the choice of
// programs whose full verifier log is worth keeping both ask it.
bool crosses_headroom_threshold(const ProgramResult& p, const HeadroomThresholds& t = {});

// The fraction closest to its limit (highest pct), if any is known.
std::optional<FractionUse> closest_to_limit(const ProgramResult& p);

// "insns 870000 of 1000000 (87.0%)".
std::string describe(const FractionUse& u);

// Sum of the frames in "a+b+c" as the kernel prints them; nothing when it is not that.
std::optional<int64_t> stack_depth_bytes(std::string_view frames);

} // namespace vmtest
