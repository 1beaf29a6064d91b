// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The verifier's own summary of a load: instruction and state counts, time and stack depth.
// Every kernel prints some of it at the end of the log, in one of a few formats:
//   5.2+:        processed N insns (limit 1000000) max_states_per_insn A total_states B
//                peak_states C mark_read D
//   4.15..5.1:   processed N insns (limit M), stack depth S[+S...]      (RHEL 8's 4.18 too)
//   older:       processed N insns, stack depth S
//   5.2+ with BPF_LOG_STATS, on their own lines: "verification time N usec", "stack depth a+b"
//   on rejection for size: "BPF program is too large. Processed N insn"
#include "results/metrics.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest {

struct ProgramResult;

struct VerifierStats {
  Metrics metrics;         // insns, limit, states, mark_read, verification time
  std::string stack_depth; // "a+b" per subprogram, as printed
  bool too_large = false;  // "BPF program is too large": the insn limit was hit
};

// Fields the log does not mention stay empty. When a log holds several summaries (a retry
// appended to the same buffer), the last one wins.
VerifierStats parse_verifier_stats(std::string_view log);

// Copies what was found into a ProgramResult, leaving fields it did not find untouched.
void apply_verifier_stats(const VerifierStats& stats, ProgramResult& program);

} // namespace vmtest
