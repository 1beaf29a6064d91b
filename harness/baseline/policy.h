// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// bpf/policy.yaml: the deliberate exceptions to the gate. Every rule says why (a mandatory
// `reason`), and reports show that reason next to the row it affected.
//
//   strict: false                 # true: new/removed programs and kernels FAIL
//   canary: warn                  # a canary row's FAILs count as warnings; `fail`: as usual
//   thresholds:                   # global overrides of the built-in change thresholds, two
//     insns_pct: 10               # per group of results/change_thresholds.h: <group>_pct/_abs
//     insns_abs: 100
//     states_pct: 10
//     states_abs: 10
//     fail_on_stats: false        # true: stats moves FAIL instead of WARN
//   headroom:                     # percent of the kernel's limits (results/headroom.h)
//     insns: {warn: 50, fail: 85} # processed insns over the limit the kernel prints
//     stack: {warn: 75, fail: 90} # stack depth over 512 bytes
//     maps:  {warn: 75, fail: 90} # maps used over the 64 a program may hold
//   rules:
//     - match: "xdp_loop.bpf.o/count_*"   # object/program, shell globs
//       kernels: ["5.10", "4.*"]          # optional, default all kernels
//       expected_to_fail: true
//       reason: "bpf_loop arrived in 5.17"
//     - match: "*/big_*"
//       thresholds: {insns_pct: 50, insns_abs: 5000}
//       reason: "unrolled parser, counts swing with clang"
//     - match: "unroll*.bpf.o/*"
//       headroom: {insns: {warn: 90, fail: 97}}
//       reason: "unrolled on purpose to sit near the limit"
//     - match: "legacy.bpf.o/*"
//       ignore: [log_tail, stats]         # or `all`, `headroom`, `test_run`
//       reason: "log text differs per distro backport"
//
// Rules apply in file order; a later matching rule overrides an earlier one field by field.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "results/change_thresholds.h"
#include "results/headroom.h"

namespace vmtest {

// The gate's thresholds: how far each gated metric may move from its baseline (one pair per
// threshold group, results/change_thresholds.h), whether such a move fails instead of warning,
// and how close to the kernel's limits a program may come (results/headroom.h).
struct Thresholds {
  ChangeThresholds change;
  bool fail_on_stats = false;
  HeadroomThresholds headroom;
};

// Per-fraction warn/fail percentages a policy changes; unset ones keep what they override.
struct HeadroomOverrides {
  std::array<std::optional<double>, kFractionCount> warn_pct{};
  std::array<std::optional<double>, kFractionCount> fail_pct{};
  void apply_to(HeadroomThresholds& t) const;
};

// What a policy's `thresholds:` (or vmtest.yaml's) changes; unset values keep the defaults.
struct ThresholdOverrides {
  ChangeOverrides change; // <group>_pct, <group>_abs
  std::optional<bool> fail_on_stats;
  HeadroomOverrides headroom; // the policy's top-level `headroom:`
  void apply_to(Thresholds& t) const;
};

struct PolicyRule {
  std::string object_glob;
  std::string program_glob;
  std::vector<std::string> kernel_globs;  // empty: every kernel
  std::optional<bool> expected_to_fail;
  bool ignore_all = false;
  bool ignore_stats = false;
  bool ignore_log_tail = false;
  bool ignore_test_run = false;
  bool ignore_headroom = false;
  std::optional<ThresholdOverrides> thresholds;
  std::optional<HeadroomOverrides> headroom;
  std::string reason;
  int line = 0;  // 1-based line in the policy file, for messages

  bool matches(std::string_view kernel, std::string_view object, std::string_view program) const;
};

// What the policy says about one program on one kernel.
struct PolicyDecision {
  bool expected_to_fail = false;
  std::string expected_to_fail_reason;
  bool ignore_all = false;
  bool ignore_stats = false;
  bool ignore_log_tail = false;
  bool ignore_test_run = false;
  bool ignore_headroom = false;
  std::string ignore_reason;
  Thresholds thresholds;
  std::string thresholds_reason;  // set when a rule changed the thresholds
  std::string headroom_reason;    // set when a rule changed the headroom thresholds
};

// What a canary row's regressions mean (kernel/matrix.h: rows that follow the newest kernel).
enum class CanaryPolicy { Warn, Fail };

struct Policy {
  std::string origin;  // file it came from, for messages
  bool strict = false;
  CanaryPolicy canary = CanaryPolicy::Warn;
  ThresholdOverrides thresholds;
  std::vector<PolicyRule> rules;

  PolicyDecision decide(std::string_view kernel, std::string_view object,
                        std::string_view program, const Thresholds& defaults) const;
};

bool glob_match(std::string_view pattern, std::string_view text);

Result<Policy> parse_policy(std::string_view yaml, std::string_view origin);
Result<Policy> load_policy(const std::filesystem::path& path);

}  // namespace vmtest
