#include "baseline/veristat_csv.h"

#include <algorithm>
#include <tuple>
#include <vector>

namespace vmtest {

namespace {

std::string field(std::string s) {
  std::replace(s.begin(), s.end(), ',', '_');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s.empty() ? "N/A" : s;
}

int64_t stack_sum(const std::string& depth) {
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

} // namespace

std::string veristat_csv(const KernelResult& k) {
  // veristat's own column order; each metric column is found in the metric table by its
  // veristat name, so a metric with a veristat column appears here without code of its own.
  static constexpr std::string_view kColumns[] = {
      "duration",  "total_insns", "total_states",   "peak_states", "max_states_per_insn",
      "mark_read", "prog_size",   "prog_size_jited"};
  std::vector<const MetricDef*> metrics;
  std::string out = "file_name,prog_name,verdict";
  for (auto col : kColumns)
    for (const auto& d : kMetrics)
      if (d.veristat == col) {
        metrics.push_back(&d);
        out += "," + std::string(col);
      }
  out += ",prog_type,attach_type,stack_depth,mem_peak\n";

  std::vector<std::tuple<std::string, std::string, const ProgramResult*>> rows;
  for (const auto& o : k.objects)
    for (const auto& p : o.programs)
      rows.emplace_back(o.name, p.name, &p);
  // veristat sorts by file, then program by default.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  for (const auto& [file, prog, p] : rows) {
    out += field(file) + "," + field(prog) + "," +
           (p->verdict == Verdict::Accepted ? "success" : "failure");
    for (const MetricDef* d : metrics)
      out += "," + std::to_string(p->metrics[d->id].value_or(0) / d->veristat_divisor);
    out += "," + field(p->prog_type) + ",N/A," + std::to_string(stack_sum(p->stack_depth)) + ",0\n";
  }
  return out;
}

} // namespace vmtest
