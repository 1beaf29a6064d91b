// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/capability_diff.h"

#include "capabilities/capability_matrix.h"

#include <map>
#include <set>

namespace vmtest {
using nlohmann::json;

std::vector<CapabilityChange> diff_capabilities(const json& baseline, const json& current) {
  std::vector<CapabilityChange> out;
  if (!baseline.is_object() || !current.is_object()) return out;
  // The matrix already knows how to align two probes (absent helper = "no").
  CapabilityMatrix m = build_capability_matrix({{"baseline", baseline}, {"current", current}});
  for (auto& row : m.rows)
    out.push_back({row.category, row.feature, row.values[0], row.values[1]});
  return out;
}

std::vector<std::string> capability_info_lines(const std::string& kernel, const json& baseline,
                                               const json& current) {
  std::vector<std::string> lines;
  // helper -> {"gained"/"lost"/"changed" -> program types}
  std::map<std::string, std::map<std::string, std::vector<std::string>>> per_type;
  for (const auto& c : diff_capabilities(baseline, current)) {
    if (c.category == "prog_helper") {
      auto colon = c.feature.find(':');
      std::string prog_type = c.feature.substr(0, colon);
      std::string helper = colon == std::string::npos ? c.feature : c.feature.substr(colon + 1);
      std::string how = c.after == "yes" ? "gained" : c.before == "yes" ? "lost" : "changed";
      per_type[helper][how].push_back(prog_type);
      continue;
    }
    lines.push_back("INFO " + kernel + ": capability " + c.category + " " + c.feature + ": " +
                    c.before + " -> " + c.after);
  }
  for (const auto& [helper, hows] : per_type)
    for (const auto& [how, types] : hows) {
      std::string list;
      for (size_t i = 0; i < types.size() && i < 4; ++i)
        list += (i ? ", " : "") + types[i];
      if (types.size() > 4) list += ", ...";
      lines.push_back("INFO " + kernel + ": capability prog_helper " + helper + ": " + how +
                      " for " + std::to_string(types.size()) + " program type" +
                      (types.size() == 1 ? "" : "s") + " (" + list + ")");
    }
  return lines;
}

} // namespace vmtest
