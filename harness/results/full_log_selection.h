// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Which programs get their complete verifier log kept (OUT/logs/<kernel>/<object>/<program>.log)
// and their per-source-line cost recorded. Every such decision is made here, once, by
// full_log_reason(). Only the baseline can say whether a program changed, and the baseline
// lives on the host, so the host puts each program's baseline verdict and gated metrics into
// the manifest (ProgramExpectation) and the guest decides right after its first load, while the
// program is at hand. Ordinary accepted programs thus cost no second load; only the few that
// failed, changed or came close to a limit are loaded again with a full level 1 (or 2) log.
// "Changed" and "close to a limit" are the gate's own tests (results/change_thresholds.h,
// results/headroom.h), so every program the gate reports as moved has its full log.
#include "results/change_thresholds.h"
#include "results/headroom.h"
#include "results/metrics.h"
#include "results/status.h"

#include <optional>
#include <string_view>

namespace vmtest {

struct ProgramResult;

// Why a program's full log was kept; the first that applies wins, in this order.
enum class FullLogReason {
  None,
  Rejected,       // the kernel (or libbpf) refused it
  VerdictChanged, // accepted now, rejected in the baseline
  StatsMoved,     // a gated metric moved beyond its change thresholds
  NearLimit,      // crosses a headroom threshold
  Requested,      // every program was asked for (`--full-logs all`)
};
const char* to_string(FullLogReason r);
std::optional<FullLogReason> parse_full_log_reason(std::string_view s);

// What the baseline recorded for one program, as the guest needs it: its verdict and its gated
// metrics (Metrics::gated()).
struct ProgramExpectation {
  Verdict verdict = Verdict::Accepted;
  Metrics metrics;
  bool operator==(const ProgramExpectation&) const = default;
};

// The one selection: why `p` (just loaded, stats known) needs its full log, or None.
// `base` is its baseline entry; null when there is no baseline or the program is new.
FullLogReason full_log_reason(const ProgramResult& p, const ProgramExpectation* base,
                              const ChangeThresholds& change, const HeadroomThresholds& headroom,
                              bool all_requested);

} // namespace vmtest
