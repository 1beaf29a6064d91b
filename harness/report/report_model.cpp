// SPDX-License-Identifier: BSD-2-Clause
#include "report/report_model.h"

#include "gate/gate_text.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>
#include <utility>

namespace vmtest {

namespace {

// Most important first. A cell shows the most important thing that happened to it.
constexpr std::array<const char*, 22> kStatusOrder = {
    "regressed",        "object-error",    "no-result",
    "not-verified",     "unexpected-pass", "improved",
    "test-run-changed", "test-run-failed", "new",
    "removed",          "errno-changed",   "near-limit",
    "stats-moved",      "log-changed",     "expected-fail",
    "ignored",          "rejected",        "rejected-as-baselined",
    "accepted",         "unchanged",       "absent",
    "skipped"};

ReportCell make_cell(const ReportKernel& k, const std::string& object, const std::string& program) {
  ReportCell cell;
  cell.kernel = k.name;
  if (!k.has_verdicts()) {
    cell.status = k.skipped() ? "skipped" : "no-result";
    cell.severity = k.skipped() ? Severity::OK : Severity::ERROR;
    return cell;
  }
  for (const auto& pd : k.diff->programs)
    if (pd.object == object && pd.program == program) cell.diff = &pd;
  if (!cell.diff) {
    // A kernel that stopped early never got to this program's object: not verified, which
    // its baseline rows already say; without a baseline only this cell can.
    const KernelResult& r = *k.result;
    const bool reached = std::any_of(r.objects.begin(), r.objects.end(),
                                     [&](const ObjectResult& o) { return o.name == object; });
    if (r.partial() && !reached) {
      cell.status = "not-verified";
      cell.severity = Severity::ERROR;
    } else {
      cell.status = "absent";
    }
    return cell;
  }
  const ProgramDiff& d = *cell.diff;
  cell.result = d.result;
  cell.findings = d.findings;
  cell.severity = d.severity();
  for (const auto& f : d.findings) {
    const char* s = cell_status(f.kind);
    if (s && (cell.status.empty() || status_rank(s) < status_rank(cell.status))) cell.status = s;
  }
  if (cell.status.empty()) {
    const bool rejected = d.current && d.current->verdict == Verdict::Rejected;
    if (k.diff->compared)
      cell.status = rejected ? "rejected-as-baselined" : "unchanged";
    else
      cell.status = rejected ? "rejected" : "accepted";
  }
  return cell;
}

const char* verdict_key(const GateVerdict& v) {
  switch (v.outcome) {
  case Outcome::Regression:
    return "fail";
  case Outcome::Error:
    return "infra";
  case Outcome::Clean:
    return v.compared ? "pass" : "no-baseline";
  }
  return "infra";
}

std::vector<HeadroomEntry> closest_of(const DiffReport& d) {
  std::vector<HeadroomEntry> out;
  for (const auto& pd : d.programs) {
    if (!pd.result || pd.result->verdict != Verdict::Accepted) continue;
    auto top = closest_to_limit(*pd.result);
    if (!top) continue;
    HeadroomEntry e{pd.object, pd.program, headroom_of(*pd.result), *top, Severity::OK};
    for (const auto& f : pd.findings)
      if (f.kind == FindingKind::Headroom) e.severity = worst(e.severity, f.severity);
    out.push_back(std::move(e));
  }
  // Programs the gate flagged first (a policy may set a low threshold on a fraction that is
  // not the largest), then highest first; ties by name so the order never depends on input.
  std::stable_sort(out.begin(), out.end(), [](const HeadroomEntry& a, const HeadroomEntry& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.top.pct != b.top.pct) return a.top.pct > b.top.pct;
    return std::tie(a.object, a.program) < std::tie(b.object, b.program);
  });
  if (out.size() > kClosestToLimit) out.resize(kClosestToLimit);
  return out;
}

} // namespace

int status_rank(const std::string& status) {
  for (size_t i = 0; i < kStatusOrder.size(); ++i)
    if (status == kStatusOrder[i]) return static_cast<int>(i);
  return static_cast<int>(kStatusOrder.size());
}

std::string status_label(const std::string& status) {
  if (status == "rejected-as-baselined") return "rejected (as baselined)";
  if (status == "no-result") return "no result";
  if (status == "near-limit") return "near a limit";
  if (status == "test-run-changed") return "test_run changed";
  if (status == "test-run-failed") return "test_run failed";
  std::string s = status;
  std::replace(s.begin(), s.end(), '-', ' ');
  return s;
}

namespace {

constexpr std::string_view kArm64Suffix = "-arm64";

int arch_rank(const std::string& arch) {
  return arch == "x86_64" ? 0 : arch == "arm64" ? 1 : 2;
}

// "accepted", "rejected", or "" when the kernel has no verdict for the program.
std::string verdict_word(const ReportCell& c) {
  if (!c.result) return "";
  return std::string(to_string(c.result->verdict));
}

} // namespace

const ReportKernel* arch_twin(const ReportModel& m, const ReportKernel& k) {
  const bool is_arm = k.name.size() > kArm64Suffix.size() &&
                      k.name.compare(k.name.size() - kArm64Suffix.size(), kArm64Suffix.size(),
                                     kArm64Suffix) == 0;
  const std::string twin = is_arm ? k.name.substr(0, k.name.size() - kArm64Suffix.size())
                                  : k.name + std::string(kArm64Suffix);
  for (const auto& o : m.kernels)
    if (o.name == twin && o.arch != k.arch) return &o;
  return nullptr;
}

ReportModel build_report_model(const RunResults& run, const GateVerdict& verdict) {
  ReportModel m;
  m.run = &run;
  m.verdict = &verdict;

  for (const auto& d : verdict.kernels) {
    ReportKernel rk;
    rk.name = d.kernel;
    rk.result = d.result;
    rk.arch = d.result && !d.result->arch.empty() ? d.result->arch : "x86_64";
    rk.diff = &d;
    rk.severity = d.severity();
    if (d.compared) m.has_baselines = true;
    if (rk.has_verdicts()) rk.closest = closest_of(d);
    m.kernels.push_back(rk);
  }
  std::stable_sort(m.kernels.begin(), m.kernels.end(),
                   [](const ReportKernel& a, const ReportKernel& b) {
                     return arch_rank(a.arch) < arch_rank(b.arch);
                   });

  // Every (object, program) any kernel's part of the verdict knows about.
  std::map<std::pair<std::string, std::string>, ReportRow> rows;
  for (const auto& d : verdict.kernels)
    for (const auto& pd : d.programs) {
      ReportRow& r = rows[{pd.object, pd.program}];
      r.object = pd.object;
      r.program = pd.program;
      if (pd.result && r.section.empty()) r.section = pd.result->section;
      if (pd.result && r.prog_type.empty()) r.prog_type = pd.result->prog_type;
    }

  for (auto& [key, row] : rows) {
    for (const auto& rk : m.kernels) {
      ReportCell c = make_cell(rk, key.first, key.second);
      row.severity = worst(row.severity, c.severity);
      m.counts[c.status]++;
      if (c.severity >= Severity::ERROR && c.status != "no-result" && c.status != "not-verified")
        ++m.failing_cells;
      row.cells.push_back(std::move(c));
    }
    for (size_t i = 0; i < m.kernels.size(); ++i) {
      const ReportKernel* twin = arch_twin(m, m.kernels[i]);
      if (!twin || m.kernels[i].arch != "x86_64") continue; // each pair once, from its x86 side
      const size_t j = static_cast<size_t>(twin - m.kernels.data());
      const std::string a = verdict_word(row.cells[i]), b = verdict_word(row.cells[j]);
      if (!a.empty() && !b.empty() && a != b)
        row.arch_differences.push_back(m.kernels[i].name + " " + a + ", " + twin->name + " " + b);
    }
    m.rows.push_back(std::move(row));
  }

  m.exit_code = verdict.exit_code;
  m.verdict_key = verdict_key(verdict);
  m.headline = verdict_headline(verdict);
  return m;
}

} // namespace vmtest
