// SPDX-License-Identifier: BSD-2-Clause
#include "report/html_report.h"

#include "baseline/baseline_file.h"
#include "baseline/diff_table.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "report/html_escape.h"
#include "report/report_model.h"
#include "report/templates.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <dtl/dtl.hpp>
#include <map>
#include <mstch/mstch.hpp>
#include <set>
#include <tuple>

#ifndef VMTEST_VERSION
#define VMTEST_VERSION "dev"
#endif

namespace vmtest {

namespace {

const char* severity_class(Severity s) {
  switch (s) {
  case Severity::OK:
    return "ok";
  case Severity::INFO:
    return "info";
  case Severity::WARN:
    return "warn";
  case Severity::ERROR:
    return "error";
  case Severity::FAIL:
    return "fail";
  }
  return "ok";
}

std::string fmt_seconds(double s) {
  if (s <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string opt(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : "-";
}
std::string opt(const std::optional<uint32_t>& v) {
  return v ? std::to_string(*v) : "-";
}

std::string delta_text(const std::optional<int64_t>& a, const std::optional<int64_t>& b) {
  if (!a || !b || *a == *b) return "";
  const int64_t d = *b - *a;
  std::string s = (d > 0 ? "+" : "") + std::to_string(d);
  if (*a != 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (%+.1f%%)",
                  100.0 * static_cast<double>(d) / static_cast<double>(*a));
    s += buf;
  }
  return s;
}

mstch::array lines_of(const std::vector<std::string>& lines) {
  mstch::array a;
  for (const auto& l : lines)
    a.push_back(mstch::map{{"line", l}});
  return a;
}

mstch::array findings_of(const std::vector<Finding>& findings) {
  mstch::array a;
  for (const auto& f : findings)
    a.push_back(mstch::map{{"severity", std::string(severity_name(f.severity))},
                           {"sev_class", std::string(severity_class(f.severity))},
                           {"change", std::string(finding_name(f.kind))},
                           {"message", f.message}});
  return a;
}

// What a matrix cell prints under its status: the number a reviewer scans for.
std::string cell_detail(const ReportCell& c) {
  const auto& insns = c.result ? c.result->metrics[Metric::InsnsProcessed] : std::nullopt;
  if (insns && c.result->verdict == Verdict::Accepted) return std::to_string(*insns) + " insns";
  if (c.result && c.result->verdict == Verdict::Rejected && c.result->err)
    return "errno " + std::to_string(c.result->err);
  return "";
}

std::string cell_title(const ReportCell& c) {
  std::string t = c.kernel + ": " + status_label(c.status);
  for (const auto& f : c.findings)
    t += "\n" + std::string(severity_name(f.severity)) + " " + f.message;
  return t;
}

// Verdict, errno, then one row per metric the table shows in diffs, then test_run.
mstch::array metrics_of(const ReportCell& c) {
  mstch::array a;
  const ProgramDiff* d = c.diff;
  const bool has_base = d && (d->base || d->base_result);
  const bool has_cur = d && (d->current || d->result);
  auto add = [&](std::string name, std::string b, std::string cur, std::string delta = "") {
    const bool changed = has_base && has_cur && b != cur;
    a.push_back(mstch::map{{"name", std::move(name)},
                           {"base", std::move(b)},
                           {"cur", std::move(cur)},
                           {"delta", std::move(delta)},
                           {"changed", changed}});
  };
  const BaselineProgram* base = d && d->base ? &*d->base : nullptr;
  const BaselineProgram* cur = d && d->current ? &*d->current : nullptr;
  auto s = [](const BaselineProgram* p, auto f) { return p ? f(*p) : std::string("-"); };
  add("verdict", s(base, [](auto& p) { return std::string(to_string(p.verdict)); }),
      s(cur, [](auto& p) { return std::string(to_string(p.verdict)); }));
  add("errno", s(base, [](auto& p) { return std::to_string(p.err); }),
      s(cur, [](auto& p) { return std::to_string(p.err); }));
  for (const auto& m : kMetrics) {
    if (!m.in_diff || !d) continue;
    const auto before = metric_before(*d, m.id), after = metric_after(*d, m.id);
    add(std::string(m.label), has_base ? opt(before) : "-", opt(after),
        has_base ? delta_text(before, after) : "");
  }
  add("test_run", s(base, [](auto& p) { return std::string(to_string(p.test_run.status)); }),
      s(cur, [](auto& p) { return std::string(to_string(p.test_run.status)); }));
  add("test_run retval", s(base, [](auto& p) { return opt(p.test_run.retval); }),
      s(cur, [](auto& p) { return opt(p.test_run.retval); }));
  add("data_out sha256", s(base, [](auto& p) { return p.test_run.data_out_sha256.substr(0, 12); }),
      s(cur, [](auto& p) { return p.test_run.data_out_sha256.substr(0, 12); }));
  return a;
}

mstch::array test_runs_of(const ProgramResult& p) {
  std::vector<const TestRunResult*> runs = {&p.test_run};
  for (const auto& t : p.more_test_runs)
    runs.push_back(&t);
  mstch::array a;
  for (const TestRunResult* t : runs) {
    std::string expected;
    if (t->expected_retval) expected = "retval " + std::to_string(*t->expected_retval);
    if (t->expected_data_out_hex)
      expected += std::string(expected.empty() ? "" : ", ") + "data_out";
    a.push_back(mstch::map{
        {"case", t->case_name.empty() ? std::string("default") : t->case_name},
        {"status", std::string(to_string(t->status))},
        {"errno", t->err ? std::to_string(t->err) : std::string()},
        {"retval", opt(t->retval)},
        {"duration", t->duration_ns ? std::to_string(*t->duration_ns) + " ns" : std::string("-")},
        {"expected", expected.empty() ? std::string("-") : expected},
        {"failed", t->expectation_failed},
        {"data_out",
         t->data_out_hex.size() > 64 ? t->data_out_hex.substr(0, 64) + "…" : t->data_out_hex}});
  }
  return a;
}

// The full log link, the source lines that cost most, and which of them grew.
void add_full_log_view(mstch::map& v, const ReportCell& c, const std::string& href_prefix) {
  const ProgramResult& p = *c.result;
  if (!p.full_log.file.empty()) {
    v["log_file"] = p.full_log.file;
    v["log_href"] = href_prefix + p.full_log.file;
    std::string note = std::string(to_string(p.full_log.reason)) + ", level " +
                       std::to_string(p.full_log.level) + ", " + std::to_string(p.full_log.bytes) +
                       " bytes";
    if (p.full_log.capped) note += ", cut: the file holds only the log's end";
    v["log_file_note"] = note;
  }
  mstch::array costs;
  for (size_t i = 0; i < p.line_costs.size() && i < 5; ++i)
    costs.push_back(mstch::map{{"insns", std::to_string(p.line_costs[i].insns)},
                               {"location", p.line_costs[i].location},
                               {"source", p.line_costs[i].source}});
  v["has_line_costs"] = !costs.empty();
  v["line_costs"] = costs;
  if (c.diff)
    if (auto growth = describe_insns_growth(*c.diff); !growth.empty()) v["growth"] = growth;
}

mstch::map program_kernel_view(const ReportCell& c, const std::string& href_prefix) {
  mstch::map v{{"kernel", c.kernel},
               {"status", std::string(to_string(c.status))},
               {"label", status_label(c.status)},
               {"sev_class", std::string(severity_class(c.severity))},
               {"findings", findings_of(c.findings)},
               {"has_findings", !c.findings.empty()},
               {"open", c.severity >= Severity::ERROR}};
  if (c.status == CellStatus::Skipped || c.status == CellStatus::NoResult ||
      c.status == CellStatus::Absent) {
    v["no_data"] = true;
    return v;
  }
  v["metrics"] = metrics_of(c);
  v["has_baseline"] = c.diff != nullptr && c.diff->base.has_value();
  if (c.diff && !c.diff->policy_reason.empty()) v["policy_reason"] = c.diff->policy_reason;
  if (c.diff && c.diff->object_changed) v["object_changed"] = true;

  // The log: baseline and current side by side when there is a baseline (both normalised,
  // as the gate compares them), else the current tail as the kernel printed it.
  mstch::array log;
  if (c.diff && c.diff->base && c.diff->current) {
    for (const auto& l : side_by_side(c.diff->base->log_tail, c.diff->current->log_tail))
      log.push_back(mstch::map{{"left", l.left}, {"right", l.right}, {"kind", l.kind}});
    v["log_two_sided"] = true;
    v["log_changed"] = c.diff->base->log_tail != c.diff->current->log_tail;
  } else if (c.result) {
    for (const auto& l : c.result->log_tail)
      log.push_back(mstch::map{{"right", l}, {"kind", std::string("same")}});
  }
  v["log"] = log;
  v["has_log"] = !log.empty();
  if (c.result) {
    const ProgramResult& p = *c.result;
    v["test_runs"] = test_runs_of(p);
    if (!p.error.empty()) v["error"] = p.error;
    // "bpf_loop is absent on 5.10" says more to a reviewer than the raw log does.
    if (!c.cause.empty()) v["cause"] = c.cause;
    std::vector<std::string> extra;
    if (!p.stack_depth.empty()) extra.push_back("stack depth " + p.stack_depth);
    // Metrics not already in the table above.
    for (const auto& m : kMetrics)
      if (!m.in_diff && p.metrics[m.id])
        extra.push_back(std::string(m.label) + " " + std::to_string(*p.metrics[m.id]));
    extra.push_back("log level " + std::to_string(p.log_level) + ", " +
                    std::to_string(p.log_bytes) + " bytes");
    if (p.log_truncated != LogTruncation::None)
      extra.push_back(std::string("log truncated (") + to_string(p.log_truncated) + " lost)");
    std::string joined;
    for (const auto& e : extra)
      joined += (joined.empty() ? "" : " · ") + e;
    v["extra"] = joined;
    add_full_log_view(v, c, href_prefix);
  }
  return v;
}

std::string row_tags(const ReportRow& r) {
  std::set<std::string> tags;
  bool changed = false;
  for (const auto& c : r.cells) {
    tags.insert(to_string(c.status));
    if (c.severity >= Severity::ERROR) tags.insert("failing");
    if (c.severity != Severity::OK) changed = true;
    if (c.result && c.result->verdict == Verdict::Rejected) tags.insert("rejected");
    if (c.result && !c.result->full_log.file.empty()) tags.insert("full-log");
  }
  if (changed) tags.insert("changed");
  std::string s;
  for (const auto& t : tags)
    s += (s.empty() ? "" : " ") + t;
  return s;
}

mstch::array closest_view(const ReportKernel& k);

mstch::map kernel_view(const ReportKernel& k, const ReportModel& m) {
  // A kernel missing from the results still gets a card: the gate names it.
  static const KernelResult kMissing;
  const KernelResult& r = k.result ? *k.result : kMissing;
  const std::string status = k.result ? to_string(r.status) : "missing";
  std::map<CellStatus, int> counts; // in rank order
  for (const auto& row : m.rows)
    for (const auto& c : row.cells)
      if (c.kernel == k.name) counts[c.status]++;
  mstch::array count_list;
  for (const auto& [s, n] : counts)
    if (s != CellStatus::Skipped && s != CellStatus::NoResult && s != CellStatus::Absent)
      count_list.push_back(
          mstch::map{{"status", std::string(to_string(s))}, {"label", status_label(s)}, {"n", n}});
  mstch::array features;
  for (auto [name, on] :
       {std::pair{"log_stats", r.features.log_stats},
        std::pair{"log_rotating", r.features.log_rotating}, std::pair{"btf", r.features.btf}})
    features.push_back(mstch::map{{"name", std::string(name)}, {"on", on}});
  const bool failed = !k.result || is_failure(r.status);
  mstch::map v{{"name", k.name},
               {"status", status},
               {"sev_class", std::string(severity_class(k.severity))},
               {"ok", k.has_verdicts()},
               {"skipped", k.skipped()},
               {"error", r.error},
               {"image", r.image.empty() ? std::string("-") : r.image},
               {"image_sha256", r.image_sha256.empty() ? std::string("-") : r.image_sha256},
               {"release", r.kernel_release.empty() ? std::string("-") : r.kernel_release},
               {"accel", r.accel.empty() ? std::string("-") : r.accel},
               {"boot", fmt_seconds(r.boot_seconds)},
               {"libbpf", r.libbpf_version.empty() ? std::string("-") : r.libbpf_version},
               {"features", features},
               {"counts", count_list},
               {"baseline", std::string(k.diff && k.diff->compared ? "compared with its baseline"
                                        : k.has_verdicts()         ? "no baseline"
                                                                   : "")},
               {"findings", findings_of(k.diff ? k.diff->kernel_findings : std::vector<Finding>{})},
               {"console", lines_of(r.console_tail)},
               {"show_console", !r.console_tail.empty()},
               {"console_open", failed},
               {"closest", closest_view(k)},
               {"has_closest", !k.closest.empty()}};
  return v;
}

std::string pct_text(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", pct);
  return buf;
}

// The kernel's "closest to the limit" table: one column per fraction of kFractions.
mstch::array closest_view(const ReportKernel& k) {
  mstch::array rows;
  for (const auto& e : k.closest) {
    mstch::array cols;
    for (const auto& d : kFractions) {
      const FractionUse* u = nullptr;
      for (const auto& x : e.uses)
        if (x.id == d.id) u = &x;
      cols.push_back(mstch::map{{"pct", u ? pct_text(u->pct) : std::string("-")},
                                {"title", u ? describe(*u) : std::string("not known")},
                                {"top", u && u->id == e.top.id}});
    }
    rows.push_back(mstch::map{{"object", e.object},
                              {"program", e.program},
                              {"sev_class", std::string(severity_class(e.severity))},
                              {"cols", cols}});
  }
  return rows;
}

mstch::array fraction_heads() {
  mstch::array heads;
  for (const auto& d : kFractions)
    heads.push_back(
        mstch::map{{"label", std::string(d.label)}, {"source", std::string(d.limit_source)}});
  return heads;
}

mstch::array objects_view(const ReportModel& m) {
  struct Obj {
    std::set<std::string> hashes, errors, base_hashes;
  };
  std::map<std::string, Obj> objs;
  for (const auto& k : m.run->kernels)
    for (const auto& o : k.objects) {
      auto& v = objs[o.name];
      if (!o.sha256.empty()) v.hashes.insert(o.sha256);
      if (!o.error.empty()) v.errors.insert(k.name + ": " + o.error);
    }
  for (const auto& row : m.rows)
    for (const auto& c : row.cells)
      if (c.diff && c.diff->object_changed)
        for (const auto& f : c.diff->findings)
          if (f.kind == FindingKind::ObjectChanged) objs[row.object].base_hashes.insert(f.message);
  mstch::array a;
  for (const auto& [name, o] : objs) {
    std::string hashes;
    for (const auto& h : o.hashes)
      hashes += (hashes.empty() ? "" : " ") + h;
    mstch::array errors;
    for (const auto& e : o.errors)
      errors.push_back(mstch::map{{"line", e}});
    std::string changed;
    for (const auto& h : o.base_hashes)
      changed = h;
    a.push_back(mstch::map{{"name", name},
                           {"sha256", hashes.empty() ? std::string("-") : hashes},
                           {"errors", errors},
                           {"changed", changed}});
  }
  return a;
}

const char* verdict_title(const std::string& v) {
  if (v == "fail") return "Regression";
  if (v == "infra") return "Infrastructure error";
  if (v == "pass") return "Pass";
  return "No baseline";
}

std::string join_strings(const std::vector<std::string>& parts, const std::string& sep) {
  std::string s;
  for (const auto& p : parts)
    s += (s.empty() ? "" : sep) + p;
  return s;
}

mstch::map build_context(const ReportModel& m, const HtmlReportOptions& options) {
  // Skipped kernels (image source not available here) get no column: they would only repeat
  // "skipped" on every row. The note and the kernel cards still name them.
  mstch::array kernel_heads, kernels, arch_groups;
  std::vector<std::pair<std::string, int>> arch_runs; // (arch, columns) in column order
  std::vector<size_t> columns;
  std::string skipped_note;
  for (size_t i = 0; i < m.kernels.size(); ++i) {
    const auto& k = m.kernels[i];
    kernels.push_back(kernel_view(k, m));
    if (k.skipped()) {
      skipped_note += (skipped_note.empty() ? "" : "; ") + k.name +
                      (k.result->error.empty() ? "" : " (" + k.result->error + ")");
      continue;
    }
    // One header cell per run of columns of the same architecture (the model groups them).
    if (arch_runs.empty() || arch_runs.back().first != k.arch)
      arch_runs.emplace_back(k.arch, 0);
    ++arch_runs.back().second;
    kernel_heads.push_back(
        mstch::map{{"name", k.name},
                   {"arch", k.arch},
                   {"col", static_cast<int>(columns.size())},
                   {"status", std::string(k.result ? to_string(k.result->status) : "missing")},
                   {"accel", k.result ? k.result->accel : std::string("-")},
                   {"sev_class", std::string(severity_class(k.severity))}});
    columns.push_back(i);
  }

  for (const auto& [arch, n] : arch_runs)
    arch_groups.push_back(mstch::map{{"arch", arch}, {"n", n}});

  mstch::array rows, programs;
  for (size_t i = 0; i < m.rows.size(); ++i) {
    const ReportRow& r = m.rows[i];
    const std::string id = "p" + std::to_string(i);
    int worst = 1000;
    mstch::array cells, per_kernel;
    for (size_t col : columns) {
      const ReportCell& c = r.cells[col];
      worst = std::min(worst, status_rank(c.status));
      cells.push_back(mstch::map{{"status", std::string(to_string(c.status))},
                                 {"label", status_label(c.status)},
                                 {"sev_class", std::string(severity_class(c.severity))},
                                 {"rank", status_rank(c.status)},
                                 {"detail", cell_detail(c)},
                                 {"title", cell_title(c)}});
      per_kernel.push_back(program_kernel_view(c, options.logs_href_prefix));
    }
    const std::string tags = row_tags(r);
    const std::string search = r.object + " " + r.program + " " + r.section + " " + r.prog_type;
    mstch::map common{{"id", id},
                      {"object", r.object},
                      {"program", r.program == "*" ? std::string("(whole object)") : r.program},
                      {"section", r.section},
                      {"prog_type", r.prog_type.empty() ? std::string("-") : r.prog_type},
                      {"sev_class", std::string(severity_class(r.severity))},
                      {"severity", std::string(severity_name(r.severity))},
                      {"tags", tags},
                      {"search", search},
                      {"rank", worst},
                      {"failing", r.severity >= Severity::ERROR},
                      {"arch_differs", !r.arch_differences.empty()},
                      {"arch_note", join_strings(r.arch_differences, "; ")}};
    mstch::map row = common;
    row["cells"] = cells;
    rows.push_back(row);
    mstch::map prog = common;
    prog["kernels"] = per_kernel;
    programs.push_back(prog);
  }

  mstch::array legend; // m.counts is in rank order
  for (const auto& [s, n] : m.counts)
    if (s != CellStatus::Skipped)
      legend.push_back(
          mstch::map{{"status", std::string(to_string(s))}, {"label", status_label(s)}, {"n", n}});

  int loads = 0, ok_kernels = 0, programs_n = 0;
  for (const auto& k : m.kernels)
    if (k.has_verdicts()) ++ok_kernels;
  for (const auto& r : m.rows) {
    if (r.program != "*") ++programs_n;
    for (const auto& c : r.cells)
      if (c.result) ++loads;
  }

  const Toolchain& tc = m.run->toolchain;
  return mstch::map{
      {"title", options.title},
      {"run_findings", findings_of(m.verdict->findings)},
      {"has_run_findings", !m.verdict->findings.empty()},
      {"verdict", m.verdict_key},
      {"verdict_title", std::string(verdict_title(m.verdict_key))},
      {"headline", m.headline},
      {"exit_code", m.exit_code},
      {"has_baselines", m.has_baselines},
      {"kernel_heads", kernel_heads},
      {"arch_groups", arch_groups},
      {"multi_arch", arch_groups.size() > 1},
      {"skipped_note", skipped_note},
      {"kernels", kernels},
      {"fraction_heads", fraction_heads()},
      {"rows", rows},
      {"programs", programs},
      {"legend", legend},
      {"objects", objects_view(m)},
      {"n_programs", programs_n},
      {"n_kernels", ok_kernels},
      {"n_kernels_total", static_cast<int>(m.kernels.size())},
      {"n_loads", loads},
      {"n_failing", m.failing_cells},
      {"clang", tc.clang.empty() ? std::string("-") : tc.clang},
      {"libbpf", tc.libbpf.empty() ? std::string("-") : tc.libbpf},
      {"vmtest", tc.vmtest.empty() ? std::string("-") : tc.vmtest},
      {"generator", std::string("vmtest ") + VMTEST_VERSION},
  };
}

std::string base64(const std::string& bytes) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6)
      out += tbl[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? tbl[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// CSP source for an inline script: 'sha256-<base64 of the raw digest>'.
std::string csp_hash(const std::string& script) {
  const std::string hex = sha256_hex(script);
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return "'sha256-" + base64(raw) + "'";
}

} // namespace

std::vector<SideBySideLine> side_by_side(const std::vector<std::string>& before,
                                         const std::vector<std::string>& after) {
  dtl::Diff<std::string, std::vector<std::string>> diff(before, after);
  diff.compose();
  std::vector<SideBySideLine> out;
  std::vector<std::string> removed, added;
  // A run of deletions followed by additions reads best as "this line became that one".
  auto flush = [&] {
    const size_t n = std::max(removed.size(), added.size());
    for (size_t i = 0; i < n; ++i) {
      SideBySideLine l;
      if (i < removed.size()) l.left = removed[i];
      if (i < added.size()) l.right = added[i];
      l.kind = i < removed.size() && i < added.size() ? "changed"
               : i < removed.size()                   ? "removed"
                                                      : "added";
      out.push_back(std::move(l));
    }
    removed.clear();
    added.clear();
  };
  // dtl may list a hunk's additions before its deletions; collect both until the next
  // common line and pair them up.
  for (const auto& [line, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_DELETE) {
      removed.push_back(line);
    } else if (info.type == dtl::SES_ADD) {
      added.push_back(line);
    } else {
      flush();
      out.push_back({line, line, "same"});
    }
  }
  flush();
  return out;
}

Result<std::string> render_html_report(const ReportModel& model, const HtmlReportOptions& options) {
  auto templates = load_templates(options.templates_dir);
  if (!templates) return templates.error();
  const TemplateSet& t = *templates;
  for (const char* name : {"report.html.mustache", "report.js", "report.css"})
    if (!t.count(name))
      return Error{std::string("template ") + name + " is missing",
                   options.templates_dir.empty() ? "embedded templates"
                                                 : options.templates_dir.string()};

  // Our own escaping, not the library default, so the escaped set is known and tested.
  mstch::config::escape = [](const std::string& s) { return html_escape(s); };

  mstch::map ctx = build_context(model, options);
  // The script and the style are our own template files, not data; they are inserted
  // unescaped ({{{ }}}) and the script is pinned by its hash in the page's CSP.
  const std::string& script = t.at("report.js");
  ctx["trusted_script"] = script;
  ctx["trusted_style"] = t.at("report.css");
  ctx["script_hash"] = csp_hash(script);
  std::map<std::string, std::string> partials(t.begin(), t.end());
  return mstch::render(t.at("report.html.mustache"), ctx, partials);
}

Result<void> write_html_report(const ReportModel& model, const std::filesystem::path& out,
                               const HtmlReportOptions& options) {
  auto html = render_html_report(model, options);
  if (!html) return html.error();
  auto w = write_file_atomic(out, *html, Durability::Replace);
  if (!w) return w.error().wrap("writing the HTML report");
  return {};
}

} // namespace vmtest
