// SPDX-License-Identifier: BSD-2-Clause
#include "results/manifest.h"

#include "results/byte_text.h"
#include "results/results.h"

namespace vmtest {
using nlohmann::json;

// The gated metrics under their results.json keys, next to the verdict.
void to_json(json& j, const ProgramExpectation& e) {
  j = json{{"verdict", e.verdict}};
  put_metrics(j, e.metrics.gated());
}
void from_json(const json& j, ProgramExpectation& e) {
  e.verdict = j.at("verdict").get<Verdict>();
  Metrics all;
  get_metrics(j, all);
  e.metrics = all.gated();
}
void to_json(json& j, const FullLogPlan& p) {
  j = json{{"level", p.level},
           {"cap_bytes", p.cap_bytes},
           {"all", p.all},
           {"line_costs_all", p.line_costs_all},
           {"top_lines", p.top_lines},
           {"baselines", json::object()}};
  // The change thresholds under the policy's own keys: "insns_pct", "states_abs", ...
  for (const auto& g : kThresholdGroups) {
    j[pct_key(g.id)] = p.change[g.id].pct;
    j[abs_key(g.id)] = p.change[g.id].abs;
  }
  // Keyed by "object/program": bytes, so always escaped (a key has no room for a marker).
  for (const auto& [row, programs] : p.baselines) {
    json& r = j["baselines"][row];
    r = json::object();
    for (const auto& [key, e] : programs)
      r[escape_bytes(key)] = e;
  }
  // The policy's headroom levels, by fraction key: {"insns": [warn_pct, fail_pct], ...}.
  json levels = json::object();
  for (const auto& d : kFractions)
    levels[std::string(d.key)] = {p.headroom[d.id].warn_pct, p.headroom[d.id].fail_pct};
  j["headroom"] = levels;
}
void from_json(const json& j, FullLogPlan& p) {
  FullLogPlan d;
  p.level = j.value("level", d.level);
  p.cap_bytes = j.value("cap_bytes", d.cap_bytes);
  p.all = j.value("all", d.all);
  p.line_costs_all = j.value("line_costs_all", d.line_costs_all);
  p.top_lines = j.value("top_lines", d.top_lines);
  for (const auto& g : kThresholdGroups) {
    p.change[g.id].pct = j.value(pct_key(g.id), d.change[g.id].pct);
    p.change[g.id].abs = j.value(abs_key(g.id), d.change[g.id].abs);
  }
  p.headroom = d.headroom;
  if (auto it = j.find("headroom"); it != j.end() && it->is_object())
    for (const auto& [key, pair] : it->items())
      if (auto f = fraction_by_key(key); f && pair.is_array() && pair.size() == 2)
        p.headroom[*f] = {pair[0].get<double>(), pair[1].get<double>()};
  p.baselines.clear();
  if (auto it = j.find("baselines"); it != j.end() && it->is_object())
    for (const auto& [row, programs] : it->items())
      for (const auto& [key, e] : programs.items())
        if (auto raw = unescape_bytes(key)) p.baselines[row][*raw] = e.get<ProgramExpectation>();
}

void to_json(json& j, const TestCase& c) {
  j = json{{"data_in_hex", c.data_in_hex}, {"ctx_in_hex", c.ctx_in_hex}, {"repeat", c.repeat}};
  put_bytes(j, "program", c.program);
  put_bytes(j, "name", c.name);
  if (c.expect_retval) j["expect_retval"] = *c.expect_retval;
  if (c.expect_data_out_hex) j["expect_data_out_hex"] = *c.expect_data_out_hex;
}
void from_json(const json& j, TestCase& c) {
  c.program = j.at("program").get<std::string>();
  get_bytes(j, "program", c.program);
  c.name = "case";
  get_bytes(j, "name", c.name);
  c.data_in_hex = j.value("data_in_hex", std::string());
  c.ctx_in_hex = j.value("ctx_in_hex", std::string());
  c.repeat = j.value("repeat", 1u);
  if (j.contains("expect_retval")) c.expect_retval = j["expect_retval"].get<uint32_t>();
  if (j.contains("expect_data_out_hex"))
    c.expect_data_out_hex = j["expect_data_out_hex"].get<std::string>();
}
std::string preset_program_name(const std::string& program, const std::string& preset) {
  return program + "@" + preset;
}
void to_json(json& j, const GlobalSetting& g) {
  j = json{{"name", g.name}, {"value", g.value}};
}
void from_json(const json& j, GlobalSetting& g) {
  g.name = j.at("name").get<std::string>();
  g.value = j.at("value").get<std::string>();
}
void to_json(json& j, const Preset& p) {
  j = json{{"name", p.name}, {"globals", p.globals}};
}
void from_json(const json& j, Preset& p) {
  p.name = j.at("name").get<std::string>();
  p.globals = j.value("globals", std::vector<GlobalSetting>{});
}
void to_json(json& j, const ManifestObject& o) {
  j = json{{"cases", o.cases}};
  put_bytes(j, "name", o.name);
  put_bytes(j, "path", o.path);
  if (!o.presets.empty()) j["presets"] = o.presets;
}
void from_json(const json& j, ManifestObject& o) {
  o.name = j.at("name").get<std::string>();
  o.path = j.at("path").get<std::string>();
  get_bytes(j, "name", o.name);
  get_bytes(j, "path", o.path);
  o.cases = j.value("cases", std::vector<TestCase>{});
  o.presets = j.value("presets", std::vector<Preset>{});
}
void to_json(json& j, const Manifest& m) {
  j = json{{"log_tail_lines", m.log_tail_lines}, {"objects", m.objects}};
  if (!m.bpftool.empty()) j["bpftool"] = m.bpftool;
  if (m.isolated_loads) j["isolated_loads"] = true;
  j["full_logs"] = m.full_logs;
}
void from_json(const json& j, Manifest& m) {
  m.log_tail_lines = j.value("log_tail_lines", 20);
  m.objects = j.value("objects", std::vector<ManifestObject>{});
  m.bpftool = j.value("bpftool", std::string());
  m.isolated_loads = j.value("isolated_loads", false);
  m.full_logs = j.value("full_logs", FullLogPlan{});
}

} // namespace vmtest
