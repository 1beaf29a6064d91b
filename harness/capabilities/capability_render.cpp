// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/capability_render.h"

#include <algorithm>

namespace vmtest {
using nlohmann::json;

namespace {

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

const char* category_title(const std::string& c) {
  if (c == "config") return "kernel config and sysctls";
  if (c == "syscall") return "bpf() syscall";
  if (c == "program_type") return "program types";
  if (c == "map_type") return "map types";
  if (c == "helper") return "helpers (available to at least one program type)";
  if (c == "prog_helper") return "helpers per program type";
  if (c == "misc") return "misc";
  return nullptr;
}

// Per-program-type helper rows run into the thousands between distant kernels, and mostly
// repeat one story per helper ("bpf_loop: no on 5.10, yes on 6.1" for 25 program types). For
// the text table, rows of one helper with the same values become one row naming the types.
std::vector<CapabilityRow> compact_prog_helpers(const std::vector<CapabilityRow>& rows) {
  std::vector<CapabilityRow> out;
  // (helper, values) -> program types, in first-seen order
  std::vector<std::pair<std::pair<std::string, std::vector<std::string>>, std::vector<std::string>>>
      groups;
  for (const auto& r : rows) {
    if (r.category != "prog_helper") {
      out.push_back(r);
      continue;
    }
    auto colon = r.feature.find(':');
    std::string prog_type = r.feature.substr(0, colon);
    std::string helper = colon == std::string::npos ? r.feature : r.feature.substr(colon + 1);
    auto key = std::make_pair(helper, r.values);
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
    if (it == groups.end())
      groups.push_back({key, {prog_type}});
    else
      it->second.push_back(prog_type);
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.first.first < b.first.first; });
  for (const auto& [key, types] : groups) {
    std::string list;
    for (size_t i = 0; i < types.size() && i < 3; ++i)
      list += (i ? "," : "") + types[i];
    if (types.size() > 3) list += ",+" + std::to_string(types.size() - 3);
    out.push_back({"prog_helper", key.first + " (" + list + ")", key.second});
  }
  return out;
}

} // namespace

std::string render_capabilities_text(const CapabilityMatrix& matrix,
                                     const std::vector<std::string>& notes) {
  CapabilityMatrix m = matrix;
  m.rows = compact_prog_helpers(matrix.rows);
  std::string out = "capabilities of " + std::to_string(m.kernels.size()) + " kernel" +
                    (m.kernels.size() == 1 ? "" : "s");
  if (m.folded)
    out += "; " + std::to_string(m.folded) + " of " + std::to_string(m.total) +
           " features are the same everywhere and folded away";
  out += "\n";
  for (const auto& n : notes)
    out += "note: " + n + "\n";
  if (m.rows.empty()) {
    out += m.kernels.size() > 1 ? "no differences\n" : "";
    return out;
  }
  size_t feature_w = 0;
  for (const auto& r : m.rows)
    feature_w = std::max(feature_w, r.feature.size());
  std::vector<size_t> col_w;
  for (size_t i = 0; i < m.kernels.size(); ++i) {
    size_t w = m.kernels[i].size();
    for (const auto& r : m.rows)
      w = std::max(w, r.values[i].size());
    col_w.push_back(w);
  }
  std::string current;
  for (const auto& r : m.rows) {
    if (r.category != current) {
      current = r.category;
      const char* title = category_title(current);
      out += "\n" + pad(title ? title : current.c_str(), feature_w + 2);
      // The kernel names head every group, so a long table stays readable when scrolled.
      for (size_t i = 0; i < m.kernels.size(); ++i)
        out += "  " + pad(m.kernels[i], col_w[i]);
      while (!out.empty() && out.back() == ' ')
        out.pop_back();
      out += "\n";
    }
    std::string line = "  " + pad(r.feature, feature_w);
    for (size_t i = 0; i < r.values.size(); ++i)
      line += "  " + pad(r.values[i], col_w[i]);
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string render_capabilities_csv(const CapabilityMatrix& m) {
  std::string out = "category,feature";
  for (const auto& k : m.kernels)
    out += "," + csv_field(k);
  out += "\n";
  for (const auto& r : m.rows) {
    out += csv_field(r.category) + "," + csv_field(r.feature);
    for (const auto& v : r.values)
      out += "," + csv_field(v);
    out += "\n";
  }
  return out;
}

json capabilities_to_json(const CapabilityMatrix& m, const std::vector<std::string>& notes) {
  json rows = json::array();
  for (const auto& r : m.rows) {
    json values = json::object();
    for (size_t i = 0; i < m.kernels.size(); ++i)
      values[m.kernels[i]] = r.values[i];
    rows.push_back({{"category", r.category}, {"feature", r.feature}, {"values", values}});
  }
  return {{"kernels", m.kernels},
          {"folded", m.folded},
          {"total", m.total},
          {"rows", rows},
          {"notes", notes}};
}

} // namespace vmtest
