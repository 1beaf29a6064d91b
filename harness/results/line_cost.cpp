// SPDX-License-Identifier: BSD-2-Clause
#include "results/line_cost.h"

#include <algorithm>
#include <map>

namespace vmtest {

std::vector<LineGrowth> line_growth(const std::vector<LineCost>& before,
                                    const std::vector<LineCost>& after, bool complete_before) {
  std::map<std::string, int64_t> base;
  for (const auto& c : before)
    base[c.key()] += c.insns;
  std::vector<LineGrowth> out;
  for (const auto& c : after) {
    auto it = base.find(c.key());
    if (it == base.end() && !complete_before) continue;
    LineGrowth g{c.key(), it == base.end() ? 0 : it->second, c.insns};
    if (g.delta() > 0) out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const LineGrowth& a, const LineGrowth& b) { return a.delta() > b.delta(); });
  return out;
}

std::string signed_grouped(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "+") + out;
}

std::string describe_growth(const LineGrowth& g) {
  return g.key + " " + signed_grouped(g.delta()) + " insns";
}

} // namespace vmtest
