// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The program x kernel verdict matrix as a markdown table, for the README and for humans
// comparing kernels at a glance. Generated from results, never typed by hand.
#include <string>

#include "results/results.h"

namespace vmtest {

// One row per object/program, one column per kernel that produced verdicts. A cell is
// "✅ N" (accepted, N insns processed) or "❌ ERRNO" (rejected, errno name).
std::string render_verdict_matrix(const RunResults& results);

}  // namespace vmtest
