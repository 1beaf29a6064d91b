// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Which programs get their complete verifier log kept (OUT/logs/<kernel>/<object>/<program>.log)
// and their per-source-line cost recorded. Every such decision is made here, once, by
// full_log_reason(). Only the baseline can say whether a program changed, and the baseline
// lives on the host, so the host puts each program's baseline verdict and stats into the
// manifest (ProgramExpectation) and the guest decides right after its first load, while the
// program is at hand. Ordinary accepted programs thus cost no second load; only the few that
// failed, changed or came close to a limit are loaded again with a full level 1 (or 2) log.
#include "results/headroom.h"
#include "results/metrics.h"
#include "results/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest {

struct ProgramResult;

// Why a program's full log was kept; the first that applies wins, in this order.
enum class FullLogReason {
  None,
  Rejected,       // the kernel (or libbpf) refused it
  VerdictChanged, // accepted now, rejected in the baseline
  StatsMoved,     // insns or states moved beyond the change thresholds
  NearLimit,      // crosses a headroom threshold (results/headroom.h, the gate's own test)
  Requested,      // every program was asked for (`--full-logs all`)
};
const char* to_string(FullLogReason r);
std::optional<FullLogReason> parse_full_log_reason(std::string_view s);

// What the baseline recorded for one program, as the guest needs it.
struct ProgramExpectation {
  Verdict verdict = Verdict::Accepted;
  std::optional<int64_t> insns;
  std::optional<int64_t> states; // total_states
  bool operator==(const ProgramExpectation&) const = default;
};

// A stats change counts when it exceeds both the percentage and the absolute threshold, as the
// gate counts it (baseline/policy.h Thresholds; these are its defaults).
struct ChangeThresholds {
  double insns_pct = 10.0;
  int64_t insns_abs = 100;
  double states_pct = 10.0;
  int64_t states_abs = 10;
  bool operator==(const ChangeThresholds&) const = default;
};

// The one selection: why `p` (just loaded, stats known) needs its full log, or None.
// `base` is its baseline entry; null when there is no baseline or the program is new.
FullLogReason full_log_reason(const ProgramResult& p, const ProgramExpectation* base,
                              const ChangeThresholds& change, const HeadroomThresholds& headroom,
                              bool all_requested);

} // namespace vmtest
