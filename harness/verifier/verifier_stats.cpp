#include "verifier/verifier_stats.h"

#include "results/results.h"
#include "verifier/log_lines.h"

namespace vmtest {
using namespace logscan;

namespace {

// "a+b+c": digits and '+' only. Returns the empty view when it is something else.
std::string_view eat_stack_depth(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && (is_digit(s[n]) || s[n] == '+')) ++n;
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
    if (key == "max_states_per_insn") st.max_states_per_insn = value;
    else if (key == "total_states") st.total_states = value;
    else if (key == "peak_states") st.peak_states = value;
    else if (key == "mark_read") st.mark_read = value;
  }
}

// "processed N insns ..." in any of its historical forms.
void parse_processed(std::string_view s, VerifierStats& st) {
  auto insns = eat_int(s);
  if (!insns || !eat(s, " insns")) return;
  st.insns_processed = insns;
  if (eat(s, " (limit ")) {
    if (auto limit = eat_int(s)) st.insn_limit = limit;
    eat(s, ")");
  }
  if (eat(s, ", stack depth ")) {
    auto depth = eat_stack_depth(s);
    if (!depth.empty()) st.stack_depth = std::string(depth);
    return;
  }
  parse_key_values(s, st);
}

}  // namespace

VerifierStats parse_verifier_stats(std::string_view log) {
  VerifierStats st;
  for (auto raw : split_lines(log)) {
    auto line = trim(raw);
    if (eat(line, "processed ")) {
      parse_processed(line, st);
    } else if (eat(line, "verification time ")) {
      if (auto us = eat_int(line); us && eat(line, " usec")) st.verification_time_us = us;
    } else if (eat(line, "stack depth ")) {
      auto depth = eat_stack_depth(line);
      if (!depth.empty()) st.stack_depth = std::string(depth);
    } else if (eat(line, "BPF program is too large. Processed ")) {
      st.too_large = true;
      // The summary line that follows on most kernels carries the same count; older ones
      // print only this line, so take it here too.
      if (auto n = eat_int(line)) st.insns_processed = n;
    }
  }
  return st;
}

void apply_verifier_stats(const VerifierStats& st, ProgramResult& p) {
  if (st.insns_processed) p.insns_processed = st.insns_processed;
  if (st.insn_limit) p.insn_limit = st.insn_limit;
  if (st.max_states_per_insn) p.max_states_per_insn = st.max_states_per_insn;
  if (st.total_states) p.total_states = st.total_states;
  if (st.peak_states) p.peak_states = st.peak_states;
  if (st.mark_read) p.mark_read = st.mark_read;
  if (st.verification_time_us) p.verification_time_us = st.verification_time_us;
  if (!st.stack_depth.empty()) p.stack_depth = st.stack_depth;
}

}  // namespace vmtest
