#include "report/report_model.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace vmtest {

namespace {

// Most important first. A cell shows the most important thing that happened to it.
constexpr std::array<const char*, 20> kStatusOrder = {
    "regressed",     "object-error",     "no-result", "unexpected-pass", "improved",
    "test-run-changed", "test-run-failed", "new",     "removed",         "errno-changed",
    "stats-moved",   "log-changed",      "expected-fail", "ignored",     "rejected",
    "rejected-as-baselined", "accepted", "unchanged", "absent",          "skipped"};

const char* status_of_change(Change c) {
  switch (c) {
    case Change::Regression: return "regressed";
    case Change::ObjectError: return "object-error";
    case Change::UnexpectedPass: return "unexpected-pass";
    case Change::Improved: return "improved";
    case Change::TestRunChanged: return "test-run-changed";
    case Change::NewProgram: return "new";
    case Change::RemovedProgram: return "removed";
    case Change::ErrnoChanged: return "errno-changed";
    case Change::StatsMoved: return "stats-moved";
    case Change::LogChanged: return "log-changed";
    case Change::ExpectedFail: return "expected-fail";
    case Change::Ignored: return "ignored";
    // Flags and kernel-level findings do not decide a cell's status.
    case Change::Unchanged:
    case Change::ObjectChanged:
    case Change::KernelChanged:
    case Change::KernelMissing:
    case Change::CapabilityChanged: return nullptr;
  }
  return nullptr;
}

Severity worse(Severity a, Severity b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

const ProgramResult* find_result(const KernelResult& k, const std::string& object,
                                 const std::string& program) {
  for (const auto& o : k.objects)
    if (o.name == object)
      for (const auto& p : o.programs)
        if (p.name == program) return &p;
  return nullptr;
}

std::string u32(const std::optional<uint32_t>& v) { return v ? std::to_string(*v) : "-"; }

// testrun/ cases may declare what they expect; a miss fails the run even without a baseline.
void add_expectation_findings(ReportCell& cell) {
  if (!cell.result) return;
  std::vector<const TestRunResult*> runs = {&cell.result->test_run};
  for (const auto& t : cell.result->more_test_runs) runs.push_back(&t);
  for (const TestRunResult* t : runs) {
    if (!t->expectation_failed) continue;
    std::string msg = "test_run case " + (t->case_name.empty() ? "default" : t->case_name) +
                      ": expectation failed (retval " + u32(t->retval);
    if (t->expected_retval) msg += ", expected " + u32(t->expected_retval);
    if (t->expected_data_out_hex && *t->expected_data_out_hex != t->data_out_hex)
      msg += ", data_out differs from the expected bytes";
    msg += ")";
    cell.findings.push_back({Change::TestRunChanged, Severity::FAIL, msg});
    if (status_rank(cell.status) > status_rank("test-run-failed")) cell.status = "test-run-failed";
  }
}

ReportCell make_cell(const KernelResult& k, const DiffReport* d, const std::string& object,
                     const std::string& program) {
  ReportCell cell;
  cell.kernel = k.name;
  if (k.status != "ok") {
    cell.status = k.status == "skipped" ? "skipped" : "no-result";
    cell.severity = k.status == "skipped" ? Severity::OK : Severity::FAIL;
    return cell;
  }
  cell.result = find_result(k, object, program);
  if (d) {
    for (const auto& pd : d->programs)
      if (pd.object == object && pd.program == program) cell.diff = &pd;
  }
  if (cell.diff) {
    cell.findings = cell.diff->findings;
    for (const auto& f : cell.findings) {
      const char* s = status_of_change(f.change);
      if (s && (cell.status.empty() || status_rank(s) < status_rank(cell.status))) cell.status = s;
    }
    if (cell.status.empty()) {
      const auto& cur = cell.diff->current;
      cell.status = cur && cur->verdict == "rejected" ? "rejected-as-baselined" : "unchanged";
    }
  } else if (cell.result) {
    cell.status = cell.result->verdict == "accepted" ? "accepted" : "rejected";
  } else {
    cell.status = "absent";
  }
  add_expectation_findings(cell);
  for (const auto& f : cell.findings) cell.severity = worse(cell.severity, f.severity);
  return cell;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? sep : "") + parts[i];
  return s;
}

std::string plural(int n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void write_headline(ReportModel& m) {
  int ok_kernels = 0, skipped = 0;
  for (const auto& k : m.kernels) {
    if (k.has_verdicts()) ++ok_kernels;
    else if (k.result->status == "skipped") ++skipped;
  }
  int programs = 0;
  for (const auto& r : m.rows)
    if (r.program != "*") ++programs;
  const std::string scope = plural(programs, "program") + " on " + plural(ok_kernels, "kernel") +
                            (skipped ? " (" + std::to_string(skipped) + " skipped)" : "");

  if (m.verdict == "fail") {
    // "2 failing checks: regressed on 5.10 (1), improved on 6.1, 6.12 (2)"
    std::map<std::string, std::pair<int, std::set<std::string>>> by_status;
    for (const auto& r : m.rows)
      for (const auto& c : r.cells)
        if (c.severity == Severity::FAIL && c.status != "no-result") {
          by_status[c.status].first++;
          by_status[c.status].second.insert(c.kernel);
        }
    std::vector<std::pair<std::string, std::pair<int, std::set<std::string>>>> sorted(
        by_status.begin(), by_status.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return status_rank(a.first) < status_rank(b.first);
    });
    std::vector<std::string> parts;
    for (const auto& [status, v] : sorted)
      parts.push_back(std::to_string(v.first) + " " + status_label(status) + " on " +
                      join(std::vector<std::string>(v.second.begin(), v.second.end()), ", "));
    for (const auto& k : m.kernels)
      if (k.diff)
        for (const auto& f : k.diff->kernel_findings)
          if (f.severity == Severity::FAIL && f.change == Change::KernelChanged)
            parts.push_back("kernel " + k.result->name + " changed since its baseline");
    m.headline = plural(m.failing_cells, "failing check") + " across " + scope + ": " +
                 join(parts, "; ");
  } else if (m.verdict == "infra") {
    std::vector<std::string> parts;
    for (const auto& k : m.kernels)
      if (!k.has_verdicts() && k.result->status != "skipped")
        parts.push_back(k.result->name + " " + k.result->status +
                        (k.result->error.empty() ? "" : " (" + k.result->error + ")"));
    m.headline = parts.empty() ? "no kernel produced verdicts"
                               : "no verdicts from " + join(parts, "; ");
  } else if (m.verdict == "pass") {
    int warn = 0;
    for (const auto& r : m.rows)
      for (const auto& c : r.cells)
        if (c.severity == Severity::WARN) ++warn;
    m.headline = scope + " match their baselines" + (warn ? ", " + plural(warn, "warning") : "");
  } else {
    m.headline = scope + ": " + std::to_string(m.counts["accepted"]) + " loads accepted, " +
                 std::to_string(m.counts["rejected"]) + " rejected; no baselines to compare with";
  }
}

}  // namespace

int status_rank(const std::string& status) {
  for (size_t i = 0; i < kStatusOrder.size(); ++i)
    if (status == kStatusOrder[i]) return static_cast<int>(i);
  return static_cast<int>(kStatusOrder.size());
}

std::string status_label(const std::string& status) {
  if (status == "rejected-as-baselined") return "rejected (as baselined)";
  if (status == "no-result") return "no result";
  if (status == "test-run-changed") return "test_run changed";
  if (status == "test-run-failed") return "test_run failed";
  std::string s = status;
  std::replace(s.begin(), s.end(), '-', ' ');
  return s;
}

ReportModel build_report_model(const RunResults& run, const std::vector<DiffReport>& diffs) {
  ReportModel m;
  m.run = &run;

  // Every (object, program) any kernel or any baseline knows about.
  std::map<std::pair<std::string, std::string>, ReportRow> rows;
  auto row_for = [&rows](const std::string& o, const std::string& p) -> ReportRow& {
    ReportRow& r = rows[{o, p}];
    r.object = o;
    r.program = p;
    return r;
  };
  for (const auto& k : run.kernels)
    for (const auto& o : k.objects) {
      if (!o.error.empty()) row_for(o.name, "*");
      for (const auto& p : o.programs) {
        ReportRow& r = row_for(o.name, p.name);
        if (r.section.empty()) r.section = p.section;
        if (r.prog_type.empty()) r.prog_type = p.prog_type;
      }
    }
  for (const auto& d : diffs)
    for (const auto& pd : d.programs) row_for(pd.object, pd.program);

  for (const auto& k : run.kernels) {
    ReportKernel rk;
    rk.result = &k;
    for (const auto& d : diffs)
      if (d.kernel == k.name) rk.diff = &d;
    // A skipped kernel has nothing to compare; its diff (if any) only says so.
    if (k.status == "skipped") rk.diff = nullptr;
    if (rk.diff) m.has_baselines = true;
    m.kernels.push_back(rk);
  }

  for (auto& [key, row] : rows) {
    for (auto& rk : m.kernels) {
      ReportCell c = make_cell(*rk.result, rk.diff, key.first, key.second);
      row.severity = worse(row.severity, c.severity);
      rk.severity = worse(rk.severity, c.severity);
      m.counts[c.status]++;
      if (c.severity == Severity::FAIL && c.status != "no-result") ++m.failing_cells;
      row.cells.push_back(std::move(c));
    }
    m.rows.push_back(std::move(row));
  }

  bool fail = m.failing_cells > 0, infra = false, any_verdicts = false;
  for (auto& rk : m.kernels) {
    if (rk.has_verdicts()) any_verdicts = true;
    else if (rk.result->status != "skipped") {
      infra = true;
      rk.severity = Severity::FAIL;
    }
    if (rk.diff)
      for (const auto& f : rk.diff->kernel_findings) {
        rk.severity = worse(rk.severity, f.severity);
        if (f.severity == Severity::FAIL && f.change != Change::KernelMissing) fail = true;
      }
  }
  if (!any_verdicts) infra = true;
  m.exit_code = fail ? 1 : infra ? 2 : 0;
  m.verdict = fail ? "fail" : infra ? "infra" : m.has_baselines ? "pass" : "no-baseline";
  write_headline(m);
  return m;
}

}  // namespace vmtest
