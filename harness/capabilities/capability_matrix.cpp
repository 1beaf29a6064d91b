// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/capability_matrix.h"

#include "results/json_read.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace vmtest {
using nlohmann::json;

namespace {

std::string strip(std::string s, std::string_view prefix, std::string_view suffix) {
  if (s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0)
    s.erase(0, prefix.size());
  if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
    s.erase(s.size() - suffix.size());
  return s;
}

std::string scalar(const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// bpftool names its keys have_<name>_<kind>; the category says the kind already.
std::string feature_name(const std::string& category, const std::string& key) {
  if (category == "program_type") return strip(key, "have_", "_prog_type");
  if (category == "map_type") return strip(key, "have_", "_map_type");
  return strip(key, "have_", "");
}

// "xdp:bpf_loop" on a kernel whose program_type row says xdp is not supported.
bool lacks_prog_type(const FlatCapabilities& flat, const std::string& prog_helper) {
  auto it = flat.find({"program_type", prog_helper.substr(0, prog_helper.find(':'))});
  return it != flat.end() && it->second == "no";
}

} // namespace

Result<json> parse_capabilities(std::string_view text, std::string_view origin) {
  auto j = json_read::parse(text);
  if (!j) return Error{"not a capability probe: " + j.error().what, std::string(origin)};
  if (!j->is_object())
    return Error{"not a capability probe: not a JSON object", std::string(origin)};
  return std::move(*j);
}

int category_rank(const std::string& category) {
  static const std::vector<std::string> order = {
      "config", "syscall", "program_type", "map_type", "helper", "prog_helper", "misc"};
  auto it = std::find(order.begin(), order.end(), category);
  return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

FlatCapabilities flatten_capabilities(const json& probe) {
  FlatCapabilities out;
  if (!probe.is_object()) return out;
  for (const auto& [section, body] : probe.items()) {
    if (!body.is_object()) continue;
    if (section == "helpers") {
      // "<prog_type>_available_helpers": [names]. The "helper" rows are the union, which is
      // what an on-call engineer asks first ("does 5.10 have bpf_loop at all?").
      std::set<std::string> any;
      for (const auto& [key, list] : body.items()) {
        std::string prog_type = strip(key, "", "_available_helpers");
        if (!list.is_array()) continue;
        for (const auto& h : list) {
          if (!h.is_string()) continue;
          out[{"prog_helper", prog_type + ":" + h.get<std::string>()}] = "yes";
          any.insert(h.get<std::string>());
        }
      }
      for (const auto& h : any)
        out[{"helper", h}] = "yes";
      continue;
    }
    std::string category = section == "system_config"    ? "config"
                           : section == "syscall_config" ? "syscall"
                           : section == "program_types"  ? "program_type"
                           : section == "map_types"      ? "map_type"
                                                         : section;
    for (const auto& [key, v] : body.items())
      out[{category, feature_name(category, key)}] = scalar(v);
  }
  return out;
}

CapabilityMatrix build_capability_matrix(const std::vector<KernelCapabilities>& kernels,
                                         bool fold) {
  CapabilityMatrix m;
  std::vector<FlatCapabilities> flat;
  std::set<CapabilityKey> keys;
  // Which program types each kernel probed helpers for: a helper missing from a probed list
  // is "no", but one whose program type the kernel's bpftool never listed is unknown.
  std::vector<bool> has_helpers;
  for (const auto& k : kernels) {
    m.kernels.push_back(k.kernel);
    flat.push_back(flatten_capabilities(k.probe));
    has_helpers.push_back(k.probe.is_object() && k.probe.contains("helpers"));
    for (const auto& [key, v] : flat.back())
      keys.insert(key);
  }
  for (const auto& key : keys) {
    CapabilityRow row{key.first, key.second, {}};
    for (size_t i = 0; i < flat.size(); ++i) {
      auto it = flat[i].find(key);
      if (it != flat[i].end())
        row.values.push_back(it->second);
      else if (key.first == "prog_helper" && lacks_prog_type(flat[i], key.second))
        row.values.push_back(kNotApplicable);
      else if ((key.first == "helper" || key.first == "prog_helper") && has_helpers[i])
        row.values.push_back("no"); // bpftool lists only the helpers that are there
      else
        row.values.push_back(kUnknownValue);
    }
    ++m.total;
    // A kernel without the program type says nothing about its helpers (the program_type
    // row already shows the difference), so "n/a" does not keep a row from folding.
    std::vector<std::string> known;
    for (const auto& v : row.values)
      if (v != kNotApplicable) known.push_back(v);
    bool same =
        !known.empty() && std::all_of(known.begin(), known.end(),
                                      [&](const std::string& v) { return v == known.front(); });
    if (fold && kernels.size() > 1 && same) {
      ++m.folded;
      continue;
    }
    m.rows.push_back(std::move(row));
  }
  std::stable_sort(m.rows.begin(), m.rows.end(),
                   [](const CapabilityRow& a, const CapabilityRow& b) {
                     return category_rank(a.category) < category_rank(b.category);
                   });
  return m;
}

std::vector<KernelCapabilities> collect_capabilities(const RunResults& run,
                                                     const std::vector<std::string>& only,
                                                     std::vector<std::string>& notes) {
  std::vector<KernelCapabilities> out;
  for (const auto& k : run.kernels) {
    if (!only.empty() && std::find(only.begin(), only.end(), k.name) == only.end()) continue;
    if (k.capabilities.is_object()) {
      out.push_back({k.name, k.capabilities});
      continue;
    }
    std::string why = !k.capabilities_error.empty() ? k.capabilities_error
                      : k.status != KernelStatus::Ok
                          ? std::string(to_string(k.status))
                          : "the run had no bpftool (--no-capabilities?)";
    notes.push_back(k.name + ": not probed: " + why);
  }
  return out;
}

CapabilityMatrix filter_categories(CapabilityMatrix m, const std::vector<std::string>& categories) {
  if (categories.empty()) return m;
  std::erase_if(m.rows, [&](const CapabilityRow& r) {
    return std::find(categories.begin(), categories.end(), r.category) == categories.end();
  });
  return m;
}

} // namespace vmtest
