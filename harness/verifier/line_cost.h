// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Which source lines the verifier spent its instructions on, read from a level 1 or 2 log. With
// BTF line info the kernel prints a line "; <source> @ <file>:<line>" (older kernels print only
// "; <source>") before the first instruction of each new source line it walks, then one line per
// processed instruction ("12: (bf) r1 = r4"). veristat -S counts how often each "; " line
// appears; we count the instructions that follow it instead, which is the processed-insns
// figure the verifier's own summary and the limit are about. Instructions before any "; "
// line (a log without line info) are not attributed.
#include <cstdint>
#include <string>
#include <string_view>
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

// Every source line of the log with its cost, most expensive first (ties by key, so the
// order is stable). Empty for a log without line info.
std::vector<LineCost> line_costs(std::string_view log);

// The first `n` of a cost list (already sorted by line_costs()).
std::vector<LineCost> top_line_costs(std::vector<LineCost> costs, size_t n);

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
