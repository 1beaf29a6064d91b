// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/veristat_csv.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <tuple>
#include <vector>

namespace vmtest {

namespace {

std::string field(std::string s) {
  std::replace(s.begin(), s.end(), ',', '_');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// "16+8" -> 24; "" (not reported) -> nothing.
std::optional<int64_t> stack_sum(const std::string& depth) {
  if (depth.find_first_of("0123456789") == std::string::npos) return std::nullopt;
  int64_t total = 0, cur = 0;
  for (char c : depth) {
    if (c >= '0' && c <= '9') {
      cur = cur * 10 + (c - '0');
    } else {
      total += cur;
      cur = 0;
    }
  }
  return total + cur;
}

// One CSV column: its veristat name and how a row's value is written; nullopt: unknown.
struct Column {
  std::string name;
  std::function<std::optional<std::string>(const ProgramResult&)> value;
};

std::vector<Column> veristat_columns() {
  std::vector<Column> cols;
  cols.push_back({"verdict", [](const ProgramResult& p) -> std::optional<std::string> {
                    return p.verdict == Verdict::Accepted ? "success" : "failure";
                  }});
  // Each metric column is found in the metric table by its veristat name, so a metric with a
  // veristat column appears here without code of its own.
  static constexpr std::string_view kMetricColumns[] = {
      "duration",  "total_insns", "total_states",   "peak_states", "max_states_per_insn",
      "mark_read", "prog_size",   "prog_size_jited"};
  for (auto col : kMetricColumns)
    for (const auto& d : kMetrics)
      if (d.veristat == col)
        cols.push_back({std::string(col), [&d](const ProgramResult& p) -> std::optional<std::string> {
                          const auto& v = p.metrics[d.id];
                          if (!v) return std::nullopt;
                          return std::to_string(*v / d.veristat_divisor);
                        }});
  cols.push_back({"prog_type", [](const ProgramResult& p) -> std::optional<std::string> {
                    if (p.prog_type.empty()) return std::nullopt;
                    return field(p.prog_type);
                  }});
  // attach_type would come here: vmtest does not record it, and veristat accepts no
  // placeholder for it ("Unrecognized attach type"), so the column is left out.
  cols.push_back({"stack_depth", [](const ProgramResult& p) -> std::optional<std::string> {
                    auto sum = stack_sum(p.stack_depth);
                    if (!sum) return std::nullopt;
                    return std::to_string(*sum);
                  }});
  return cols;
}

} // namespace

std::string veristat_csv(const KernelResult& k) {
  std::vector<std::tuple<std::string, std::string, const ProgramResult*>> rows;
  for (const auto& o : k.objects)
    for (const auto& p : o.programs)
      rows.emplace_back(o.name, p.name, &p);
  // veristat sorts by file, then program by default.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });

  std::vector<Column> cols;
  for (auto& c : veristat_columns())
    if (std::all_of(rows.begin(), rows.end(),
                    [&](const auto& r) { return c.value(*std::get<2>(r)).has_value(); }))
      cols.push_back(std::move(c));

  std::string out = "file_name,prog_name";
  for (const auto& c : cols)
    out += "," + c.name;
  out += "\n";
  for (const auto& [file, prog, p] : rows) {
    out += field(file) + "," + field(prog);
    for (const auto& c : cols)
      out += "," + *c.value(*p);
    out += "\n";
  }
  return out;
}

} // namespace vmtest
