// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Which source lines the verifier spent its instructions on, read from a level 1 or 2 log. With
// BTF line info the kernel prints a line "; <source> @ <file>:<line>" (older kernels print only
// "; <source>") before the first instruction of each new source line it walks, then one line per
// processed instruction ("12: (bf) r1 = r4"). veristat -S counts how often each "; " line
// appears; we count the instructions that follow it instead, which is the processed-insns
// figure the verifier's own summary and the limit are about. Instructions before any "; "
// line (a log without line info) are not attributed.
#include "results/line_cost.h"

#include <string_view>
#include <vector>

namespace vmtest {

// Every source line of the log with its cost, most expensive first (ties by key, so the
// order is stable). Empty for a log without line info.
std::vector<LineCost> line_costs(std::string_view log);

// The first `n` of a cost list (already sorted by line_costs()).
std::vector<LineCost> top_line_costs(std::vector<LineCost> costs, size_t n);

} // namespace vmtest
