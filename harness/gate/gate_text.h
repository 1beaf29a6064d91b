// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The verdict as terminal text. By default: one line per kernel, one line per finding that
// fails, errors or warns (kernel, object/program, what changed, the policy reason or the
// expected and actual values), and a final line with the outcome. A clean run therefore
// prints a few lines, not the table of every expected failure; `verbose` adds the per-kernel
// tables with every finding and log diff.
#include "gate/gate.h"

#include <string>

namespace vmtest {

struct GateTextOptions {
  bool color = false;
  bool verbose = false;
};

std::string render_gate_text(const GateVerdict& v, const GateTextOptions& o);

// One sentence for the verdict, shared by the terminal, the HTML report and the step summary:
// "2 failing checks across 26 programs on 3 kernels: regression on 6.1 (1); ...".
std::string verdict_headline(const GateVerdict& v);

// Where a finding sits, for one-line renderings: "6.1 parser.bpf.o/xdp_parser" or "6.1".
struct LocatedFinding {
  const Finding* finding = nullptr;
  const DiffReport* kernel = nullptr;   // null for run-level findings
  const ProgramDiff* program = nullptr; // null for kernel-level findings
};
// Every finding at or above `min`, worst first, then in run order.
std::vector<LocatedFinding> findings_at_least(const GateVerdict& v, Severity min);

} // namespace vmtest
