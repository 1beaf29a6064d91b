// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/diff_table.h"

#include "results/byte_text.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace vmtest {

namespace {

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string verdict_cell(const ProgramDiff& p) {
  if (!p.base && !p.current) return "-";
  if (!p.base)
    return std::string(p.has(FindingKind::NewProgram) ? "(new) " : "") +
           to_string(p.current->verdict);
  if (!p.current) return std::string(to_string(p.base->verdict)) + " (removed)";
  if (p.base->verdict == p.current->verdict) return to_string(p.current->verdict);
  return std::string(to_string(p.base->verdict)) + " -> " + to_string(p.current->verdict);
}

std::string changes_cell(const ProgramDiff& p) {
  std::string s;
  for (const auto& f : p.findings)
    s += (s.empty() ? "" : ",") + std::string(finding_name(f.kind));
  return s.empty() ? finding_name(FindingKind::Unchanged) : s;
}

} // namespace

std::optional<int64_t> metric_before(const ProgramDiff& p, Metric m) {
  if (p.base_result) return p.base_result->metrics[m];
  return p.base ? p.base->metrics[m] : std::nullopt;
}

std::optional<int64_t> metric_after(const ProgramDiff& p, Metric m) {
  if (p.result) return p.result->metrics[m];
  return p.current ? p.current->metrics[m] : std::nullopt;
}

std::vector<LineGrowth> insns_growth_lines(const ProgramDiff& p) {
  const auto before = metric_before(p, Metric::InsnsProcessed);
  const auto after = metric_after(p, Metric::InsnsProcessed);
  if (!before || !after || *after <= *before || !p.result) return {};
  const std::vector<LineCost>* base_costs = nullptr;
  if (p.base_result && !p.base_result->line_costs.empty())
    base_costs = &p.base_result->line_costs;
  else if (p.base && !p.base->line_costs.empty())
    base_costs = &p.base->line_costs;
  if (!base_costs || p.result->line_costs.empty()) return {};
  // A list shorter than the kept top lines is every line of the program; a full one may have
  // left a line out, and such a line's growth is not guessed.
  const bool complete = base_costs->size() < kTopLineCosts;
  return line_growth(*base_costs, p.result->line_costs, complete);
}

std::string describe_insns_growth(const ProgramDiff& p, size_t n) {
  const auto lines = insns_growth_lines(p);
  if (lines.empty()) return {};
  std::string s = "insns grew at ";
  for (size_t i = 0; i < lines.size() && i < n; ++i)
    s += (i ? ", " : "") + describe_growth(lines[i]);
  return s;
}

std::string metric_cell(const std::optional<int64_t>& a, const std::optional<int64_t>& b,
                        bool two_sided) {
  auto fmt = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; };
  // A side the baseline never recorded (a metric it does not keep) shows as the value alone.
  if (!two_sided || !a || a == b) return fmt(b);
  std::string s = fmt(a) + " -> " + fmt(b);
  if (a && b && *a != 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (%+.1f%%)",
                  100.0 * static_cast<double>(*b - *a) / static_cast<double>(*a));
    s += buf;
  }
  return s;
}

std::string render_diff_table(const DiffReport& r, bool color) {
  std::array<int, 5> counts{};
  size_t unchanged = 0;
  std::vector<const ProgramDiff*> shown;
  for (const auto& p : r.programs) {
    if (p.findings.empty()) {
      ++unchanged;
      continue;
    }
    ++counts[static_cast<int>(p.severity())];
    shown.push_back(&p);
  }

  // Worst first; within a severity the report's object/program order is kept.
  std::stable_sort(shown.begin(), shown.end(), [](const ProgramDiff* a, const ProgramDiff* b) {
    return a->severity() > b->severity();
  });

  std::string out =
      "kernel " + r.kernel + ": " + paint(r.severity(), severity_name(r.severity()), color);
  out += " (" + std::to_string(counts[4]) + " fail, " + std::to_string(counts[3]) + " error, " +
         std::to_string(counts[2]) + " warn, " + std::to_string(counts[1]) + " info, " +
         std::to_string(counts[0]) + " ok, " + std::to_string(unchanged) + " unchanged)\n";
  for (const auto& f : r.kernel_findings)
    out += "  " + paint(f.severity, severity_name(f.severity), color) + "  " + f.message + "\n";
  if (shown.empty()) return out;

  std::vector<std::string> header = {"SEV", "OBJECT", "PROGRAM", "VERDICT"};
  for (const auto& m : kMetrics)
    if (m.in_diff) header.emplace_back(m.label);
  header.push_back("CHANGES");
  for (auto& h : header)
    for (auto& ch : h)
      ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
  std::vector<std::vector<std::string>> rows;
  for (const auto* p : shown) {
    // Names are corpus bytes: control bytes escaped, so they cannot drive the terminal.
    std::vector<std::string> row = {severity_name(p->severity()), terminal_text(p->object),
                                    terminal_text(p->program), verdict_cell(*p)};
    const bool two_sided = (p->base || p->base_result) && (p->current || p->result);
    for (const auto& m : kMetrics)
      if (m.in_diff)
        row.push_back(metric_cell(metric_before(*p, m.id), metric_after(*p, m.id), two_sided));
    row.push_back(changes_cell(*p));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows)
      width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells, std::optional<Severity> sev) {
    std::string l = "  ";
    for (size_t c = 0; c < cells.size(); ++c) {
      // Pad first, then colour, so escape codes never break the alignment.
      std::string cell = c + 1 == cells.size() ? cells[c] : pad(cells[c], width[c]);
      if (c == 0 && sev) cell = paint(*sev, cell, color);
      l += cell + (c + 1 == cells.size() ? "" : "  ");
    }
    return l + "\n";
  };
  out += line(header, std::nullopt);
  for (size_t i = 0; i < rows.size(); ++i)
    out += line(rows[i], shown[i]->severity());

  out += "\n";
  for (const auto* p : shown) {
    const std::string name = terminal_text(p->object + "/" + p->program);
    // A row that is fine by policy needs one line saying why, not a findings block.
    if (p->severity() == Severity::OK && !p->policy_reason.empty() && p->log_diff.empty()) {
      out += "  " + name + ": " + changes_cell(*p) + " (" + terminal_text(p->policy_reason) + ")\n";
      continue;
    }
    out += "  " + name + ":\n";
    for (const auto& f : p->findings)
      out += "    " + paint(f.severity, severity_name(f.severity), color) + " " +
             terminal_text(f.message) + "\n";
    if (!p->policy_reason.empty()) out += "    policy: " + terminal_text(p->policy_reason) + "\n";
    if (auto growth = describe_insns_growth(*p); !growth.empty()) out += "    " + growth + "\n";
    if (p->result && !p->result->full_log.file.empty())
      out += "    full log: " + terminal_text(p->result->full_log.file) + "\n";
    for (const auto& d : p->log_diff)
      out += "    | " + terminal_text(d, /*keep_tabs=*/true) + "\n";
  }
  return out;
}

} // namespace vmtest
