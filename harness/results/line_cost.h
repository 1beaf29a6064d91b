// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Line costs in results and baselines: which source lines the verifier spent its processed
// instructions on (verifier/line_cost.h reads them from a log), and how one line's cost moved
// between two runs of the same program.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vmtest {

// How many of a program's most expensive lines results and baselines keep.
inline constexpr size_t kTopLineCosts = 20;

struct LineCost {
  std::string location; // "parser.bpf.c:42"; empty when the kernel printed no "@ file:line"
  std::string source;   // the source text as printed, trimmed
  int64_t insns = 0;    // processed instructions attributed to it
  bool operator==(const LineCost&) const = default;
  // What names the line in tables: the location when there is one, else the source text.
  const std::string& key() const { return location.empty() ? source : location; }
};

// How one source line's cost moved between two runs of the same program.
struct LineGrowth {
  std::string key;    // LineCost::key()
  int64_t before = 0; // 0 when the line was not in the reference list
  int64_t after = 0;
  int64_t delta() const { return after - before; }
};

// The lines whose cost grew, largest growth first. `complete_before` says whether `before` is
// every line of the reference (missing means 0) or only its top lines (missing means unknown:
// such lines are left out rather than guessed).
std::vector<LineGrowth> line_growth(const std::vector<LineCost>& before,
                                    const std::vector<LineCost>& after, bool complete_before);

// "parser.bpf.c:42 +3,100 insns" (thousands grouped, as the issue asks reviewers to read it).
std::string describe_growth(const LineGrowth& g);
// "+3,100" / "-12".
std::string signed_grouped(int64_t v);

} // namespace vmtest
