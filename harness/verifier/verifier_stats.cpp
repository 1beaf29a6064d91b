// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/verifier_stats.h"

#include "results/headroom.h"
#include "results/results.h"
#include "verifier/log_lines.h"

namespace vmtest {
using namespace logscan;

namespace {

// "a+b+c": digits and '+' only. Returns the empty view when it is something else.
std::string_view eat_stack_depth(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && (is_digit(s[n]) || s[n] == '+'))
    ++n;
  if (n == 0 || !is_digit(s[0])) return {};
  auto depth = s.substr(0, n);
  s.remove_prefix(n);
  return depth;
}

// The 5.2+ tail: " max_states_per_insn A total_states B peak_states C mark_read D". Keys are
// matched by name so a kernel that adds or reorders one does not break the rest.
void parse_key_values(std::string_view s, VerifierStats& st) {
  while (true) {
    s = trim(s);
    if (s.empty()) return;
    auto sp = s.find(' ');
    if (sp == std::string_view::npos) return;
    auto key = s.substr(0, sp);
    s.remove_prefix(sp + 1);
    auto value = eat_int(s);
    if (!value) return;
    // The kernel's own words are the metric table's keys for these four.
    if (auto m = metric_by_key(key);
        m && (*m == Metric::MaxStatesPerInsn || *m == Metric::TotalStates ||
              *m == Metric::PeakStates || *m == Metric::MarkRead))
      st.metrics[*m] = value;
  }
}

// "processed N insns ..." in any of its historical forms.
void parse_processed(std::string_view s, VerifierStats& st) {
  auto insns = eat_int(s);
  if (!insns || !eat(s, " insns")) return;
  st.metrics[Metric::InsnsProcessed] = insns;
  if (eat(s, " (limit ")) {
    if (auto limit = eat_int(s)) st.metrics[Metric::InsnLimit] = limit;
    eat(s, ")");
  }
  if (eat(s, ", stack depth ")) {
    auto depth = eat_stack_depth(s);
    if (!depth.empty()) st.stack_depth = std::string(depth);
    return;
  }
  parse_key_values(s, st);
}

} // namespace

VerifierStats parse_verifier_stats(std::string_view log) {
  VerifierStats st;
  for (auto raw : split_lines(log)) {
    auto line = trim(raw);
    if (eat(line, "processed ")) {
      parse_processed(line, st);
    } else if (eat(line, "verification time ")) {
      if (auto us = eat_int(line); us && eat(line, " usec"))
        st.metrics[Metric::VerificationTimeUs] = us;
    } else if (eat(line, "stack depth ")) {
      auto depth = eat_stack_depth(line);
      if (!depth.empty()) st.stack_depth = std::string(depth);
    } else if (eat(line, "BPF program is too large. Processed ")) {
      st.too_large = true;
      // The summary line that follows on most kernels carries the same count; older ones
      // print only this line, so take it here too.
      if (auto n = eat_int(line)) st.metrics[Metric::InsnsProcessed] = n;
    }
  }
  return st;
}

void apply_verifier_stats(const VerifierStats& st, ProgramResult& p) {
  p.metrics.merge_from(st.metrics);
  if (!st.stack_depth.empty()) p.stack_depth = st.stack_depth;
  // The same figure as bytes, for the stack headroom (results/headroom.h).
  if (auto bytes = stack_depth_bytes(p.stack_depth)) p.metrics[Metric::StackDepth] = bytes;
}

} // namespace vmtest
