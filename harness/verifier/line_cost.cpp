// SPDX-License-Identifier: BSD-2-Clause
#include "verifier/line_cost.h"

#include "verifier/log_lines.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace vmtest {
namespace {

// "12: (bf) r1 = r4": an instruction the verifier processed. Level 2 also prints "12: R1=..."
// state lines, which are not instructions, so the opcode in parentheses is required.
bool is_insn_line(std::string_view line) {
  if (!logscan::eat_int(line)) return false;
  return logscan::eat(line, ": (");
}

// "; if (x) @ parser.bpf.c:42" -> source "if (x)", location "parser.bpf.c:42".
LineCost parse_source_line(std::string_view text) {
  LineCost c;
  const size_t at = text.rfind(" @ ");
  if (at != std::string_view::npos) {
    std::string_view loc = logscan::trim(text.substr(at + 3));
    // Only "file:line" counts as a location; an " @ " inside the source text stays source.
    const size_t colon = loc.rfind(':');
    std::string_view num =
        colon == std::string_view::npos ? std::string_view() : loc.substr(colon + 1);
    if (!num.empty() && std::all_of(num.begin(), num.end(), logscan::is_digit)) {
      c.location = std::string(loc);
      text = text.substr(0, at);
    }
  }
  c.source = std::string(logscan::trim(text));
  return c;
}

bool by_cost(const LineCost& a, const LineCost& b) {
  if (a.insns != b.insns) return a.insns > b.insns;
  return a.key() < b.key();
}

} // namespace

std::vector<LineCost> line_costs(std::string_view log) {
  std::map<std::string, LineCost> by_key;
  // A loop's source lines repeat once per instruction the verifier walked through them
  // (2048 times each in a 2.4 MB trace): parse each distinct text once, then only look it up.
  std::unordered_map<std::string_view, LineCost*> by_text;
  LineCost* current = nullptr;
  for (std::string_view line : logscan::split_lines(log)) {
    if (logscan::eat(line, "; ")) {
      auto [seen, fresh_text] = by_text.try_emplace(line, nullptr);
      if (fresh_text) {
        LineCost parsed = parse_source_line(line);
        std::string key = parsed.key();
        if (!key.empty()) seen->second = &by_key.try_emplace(key, std::move(parsed)).first->second;
      }
      current = seen->second;
      continue;
    }
    if (current && is_insn_line(line)) ++current->insns;
  }
  std::vector<LineCost> out;
  for (auto& [key, c] : by_key)
    if (c.insns > 0) out.push_back(std::move(c));
  std::sort(out.begin(), out.end(), by_cost);
  return out;
}

std::vector<LineCost> top_line_costs(std::vector<LineCost> costs, size_t n) {
  if (costs.size() > n) costs.resize(n);
  return costs;
}

} // namespace vmtest
