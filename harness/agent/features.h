// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Verifier behaviours differ across kernels and backports, so we probe them by loading tiny
// programs instead of trusting version numbers.
#include "results/results.h"

#include <string_view>

namespace vmtest {

AgentFeatures probe_features();

// Whether a log produced at log_level 4 (BPF_LOG_STATS) really is a stats-only log: it holds a
// summary and no instruction trace ("0: (b7) r0 = 0"). Some kernels accept level 4 without
// knowing it - RHEL 8.1's 4.18 takes any non-zero level and treats it as verbose - so the
// syscall's success alone says nothing.
bool is_stats_only_log(std::string_view log);

} // namespace vmtest
