// SPDX-License-Identifier: BSD-2-Clause
#include "report/step_summary.h"

#include "baseline/diff_table.h"
#include "report/markdown_escape.h"
#include "report/report_model.h"

#include <algorithm>
#include <cstdio>

namespace vmtest {

namespace {

std::string icon_of(Severity s) {
  if (s == Severity::FAIL) return "❌";
  if (s == Severity::ERROR) return "⛔";
  if (s == Severity::WARN) return "⚠️";
  if (s == Severity::INFO) return "ℹ️";
  return "";
}

std::string icon(const ReportCell& c) {
  if (c.severity != Severity::OK) return icon_of(c.severity);
  if (c.status == CellStatus::Accepted || c.status == CellStatus::Unchanged) return "✅";
  if (c.status == CellStatus::Skipped || c.status == CellStatus::Absent) return "➖";
  return "⚪"; // rejected as before, expected to fail, ignored
}

const char* verdict_line(const std::string& v) {
  if (v == "fail") return "❌ vmtest: verifier regression";
  if (v == "infra") return "⛔ vmtest: error (no verdict to judge)";
  if (v == "pass") return "✅ vmtest: no verifier changes";
  return "ℹ️ vmtest: verdicts (no baselines)";
}

std::string pct_cell(const HeadroomEntry& e, Fraction f) {
  for (const auto& u : e.uses)
    if (u.id == f) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f%%", u.pct);
      return u.id == e.top.id ? "**" + std::string(buf) + "**" : std::string(buf);
    }
  return "-";
}

// Per kernel, the programs nearest a limit. Folded unless one of them crossed a threshold.
std::string closest_to_limit_tables(const ReportModel& m) {
  std::string body;
  bool crossed = false;
  for (const auto& k : m.kernels) {
    if (k.closest.empty()) continue;
    body += "**" + markdown_escape(k.name) + "**\n\n| closest |";
    for (const auto& d : kFractions)
      body += " " + markdown_escape(d.label) + " |";
    body += "\n|---|";
    for (size_t i = 0; i < kFractionCount; ++i)
      body += "---:|";
    body += "\n";
    for (const auto& e : k.closest) {
      crossed = crossed || e.severity >= Severity::WARN;
      body += "| " + (e.severity >= Severity::WARN ? icon_of(e.severity) + " " : std::string()) +
              markdown_escape(e.program) + " <sub>" + markdown_escape(e.object) + "</sub> |";
      for (const auto& d : kFractions)
        body += " " + pct_cell(e, d.id) + " |";
      body += "\n";
    }
    body += "\n";
  }
  if (body.empty()) return "";
  return std::string("<details") + (crossed ? " open" : "") +
         "><summary>Closest to the limit (insns over the limit each kernel printed, stack over "
         "512 B, maps over 64)</summary>\n\n" +
         body + "</details>\n\n";
}

} // namespace

std::string render_step_summary(const ReportModel& m, const StepSummaryOptions& options) {
  const GateVerdict& verdict = *m.verdict;
  std::string md = "## " + std::string(verdict_line(m.verdict_key)) + "\n\n" +
                   markdown_escape(m.headline) + "\n\n";
  // Findings about the run and the kernels come first: they explain everything below them.
  std::string general;
  for (const auto& f : verdict.findings)
    if (f.severity >= Severity::WARN)
      general += "- **" + std::string(severity_name(f.severity)) + "** " +
                 markdown_escape(f.message) + "\n";
  for (const auto& k : verdict.kernels)
    for (const auto& f : k.kernel_findings)
      if (f.severity >= Severity::WARN)
        general += "- **" + std::string(severity_name(f.severity)) + "** kernel " +
                   markdown_escape(k.kernel) + ": " + markdown_escape(f.message) + "\n";
  if (!general.empty()) md += general + "\n";

  // The matrix: with baselines only rows that changed; without, everything (it is the news).
  std::vector<const ReportRow*> rows;
  for (const auto& r : m.rows)
    if (!m.has_baselines || r.severity != Severity::OK) rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(), [](const ReportRow* a, const ReportRow* b) {
    return static_cast<int>(a->severity) > static_cast<int>(b->severity);
  });
  // Skipped kernels get no column; they are named once below the table.
  std::vector<size_t> cols;
  std::string skipped;
  for (size_t i = 0; i < m.kernels.size(); ++i) {
    if (!m.kernels[i].skipped())
      cols.push_back(i);
    else
      skipped += (skipped.empty() ? "" : ", ") + markdown_escape(m.kernels[i].name);
  }
  // A row whose verdict differs between a kernel and its other-architecture twin is shown
  // even when it is unchanged against the baselines: that difference is the news.
  for (const auto& r : m.rows)
    if (!r.arch_differences.empty() && std::find(rows.begin(), rows.end(), &r) == rows.end())
      rows.push_back(&r);
  // Columns come grouped by architecture (report_model.h); the header says which is which.
  bool multi_arch = false;
  for (size_t i : cols)
    multi_arch = multi_arch || m.kernels[i].arch != m.kernels[cols.front()].arch;
  if (!rows.empty() && !cols.empty()) {
    md += "| program |";
    for (size_t i : cols)
      md += " " + markdown_escape(m.kernels[i].name) +
            (multi_arch ? " <sub>" + markdown_escape(m.kernels[i].arch) + "</sub>" : "") + " |";
    md += "\n|---|";
    for (size_t n = 0; n < cols.size(); ++n)
      md += ":---:|";
    md += "\n";
    for (size_t i = 0; i < rows.size() && i < options.max_rows; ++i) {
      const ReportRow& r = *rows[i];
      md += "| " + markdown_escape(r.program) + " <sub>" + markdown_escape(r.object) + "</sub> |";
      for (size_t k : cols)
        md +=
            " " + icon(r.cells[k]) + " " + markdown_escape(status_label(r.cells[k].status)) + " |";
      md += "\n";
    }
    for (const auto& r : m.rows)
      for (const auto& d : r.arch_differences)
        md += "\nDiffers by architecture: **" + markdown_escape(r.program) + "** <sub>" +
              markdown_escape(r.object) + "</sub>: " + markdown_escape(d) + ".\n";
    if (rows.size() > options.max_rows)
      md += "\n… and " + std::to_string(rows.size() - options.max_rows) + " more rows.\n";
    const size_t quiet = m.rows.size() - rows.size();
    if (quiet) md += "\n" + std::to_string(quiet) + " programs are unchanged on every kernel.\n";
    if (!skipped.empty()) md += "\nSkipped kernels: " + skipped + ".\n";
    md += "\n";
  } else if (!m.rows.empty()) {
    md += "All " + std::to_string(m.rows.size()) + " programs are unchanged on every kernel.\n\n";
  }

  // The failures, each with what the verifier said last.
  size_t shown = 0, total = 0;
  std::string details;
  for (const auto& r : m.rows)
    for (const auto& c : r.cells) {
      // The kernel's own section below says why it gave no (or no more) verdicts.
      if (c.severity < Severity::ERROR || c.status == CellStatus::NoResult ||
          c.status == CellStatus::NotVerified)
        continue;
      if (++total > options.max_failures) continue;
      ++shown;
      details += "#### " + markdown_escape(r.program) + " on " + markdown_escape(c.kernel) + ": " +
                 markdown_escape(status_label(c.status)) + "\n\n";
      details += "Object " + markdown_escape(r.object) + "\n\n";
      for (const auto& f : c.findings)
        details += "- **" + std::string(severity_name(f.severity)) + "** " +
                   markdown_escape(f.message) + "\n";
      if (c.diff && !c.diff->policy_reason.empty())
        details += "- policy: " + markdown_escape(c.diff->policy_reason) + "\n";
      if (c.result && !c.result->log_tail.empty()) {
        const auto& tail = c.result->log_tail;
        std::string body;
        for (size_t i = tail.size() > options.log_lines ? tail.size() - options.log_lines : 0;
             i < tail.size(); ++i)
          body += tail[i] + "\n";
        details += "\n<details><summary>last verifier log lines</summary>\n\n" +
                   markdown_code_block(body) + "\n</details>\n";
      }
      if (c.result && !c.result->full_log.file.empty())
        details += "\nFull verifier log: " + markdown_code_span(c.result->full_log.file) +
                   " in the run's artifact" + (c.result->full_log.capped ? " (its end only)" : "") +
                   "\n";
      if (c.diff)
        if (auto growth = describe_insns_growth(*c.diff); !growth.empty())
          details += "\n" + markdown_escape(growth) + "\n";
      details += "\n";
    }
  if (total) {
    md += "### Failing checks\n\n" + details;
    if (total > shown)
      md += "… and " + std::to_string(total - shown) + " more; see the HTML report.\n\n";
  }

  md += closest_to_limit_tables(m);

  for (const auto& k : m.kernels) {
    if (!k.result || !is_failure(k.result->status)) continue;
    const KernelResult& kr = *k.result;
    md += "### Kernel " + markdown_escape(kr.name) + ": " + markdown_escape(to_string(kr.status)) +
          "\n\n";
    if (!kr.error.empty()) md += markdown_escape(kr.error) + "\n\n";
    if (!kr.console_tail.empty()) {
      std::string body;
      for (const auto& l : kr.console_tail)
        body += l + "\n";
      md += "<details><summary>console tail</summary>\n\n" + markdown_code_block(body) +
            "\n</details>\n\n";
    }
  }
  if (!options.report_name.empty())
    md += "The full report with log diffs is in " + markdown_escape(options.report_name) + ".\n";
  return md;
}

} // namespace vmtest
