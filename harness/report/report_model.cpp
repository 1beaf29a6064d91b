// SPDX-License-Identifier: BSD-2-Clause
#include "report/report_model.h"

#include "capabilities/rejection.h"
#include "gate/gate_text.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>
#include <utility>

namespace vmtest {

namespace {

struct StatusDef {
  CellStatus status;
  const char* key;
  const char* label; // nullptr: the key with '-' as ' '
};

constexpr std::array kStatuses{
    StatusDef{CellStatus::Regressed, "regressed", nullptr},
    StatusDef{CellStatus::ObjectError, "object-error", nullptr},
    StatusDef{CellStatus::NoResult, "no-result", "no result"},
    StatusDef{CellStatus::NotVerified, "not-verified", nullptr},
    StatusDef{CellStatus::UnexpectedPass, "unexpected-pass", nullptr},
    StatusDef{CellStatus::Improved, "improved", nullptr},
    StatusDef{CellStatus::TestRunChanged, "test-run-changed", "test_run changed"},
    StatusDef{CellStatus::TestRunFailed, "test-run-failed", "test_run failed"},
    StatusDef{CellStatus::New, "new", nullptr},
    StatusDef{CellStatus::Removed, "removed", nullptr},
    StatusDef{CellStatus::ErrnoChanged, "errno-changed", nullptr},
    StatusDef{CellStatus::NearLimit, "near-limit", "near a limit"},
    StatusDef{CellStatus::StatsMoved, "stats-moved", nullptr},
    StatusDef{CellStatus::LogChanged, "log-changed", nullptr},
    StatusDef{CellStatus::ExpectedFail, "expected-fail", nullptr},
    StatusDef{CellStatus::Ignored, "ignored", nullptr},
    StatusDef{CellStatus::Rejected, "rejected", nullptr},
    StatusDef{CellStatus::RejectedAsBaselined, "rejected-as-baselined", "rejected (as baselined)"},
    StatusDef{CellStatus::Accepted, "accepted", nullptr},
    StatusDef{CellStatus::Unchanged, "unchanged", nullptr},
    StatusDef{CellStatus::Absent, "absent", nullptr},
    StatusDef{CellStatus::Skipped, "skipped", nullptr},
};

static_assert(
    [] {
      for (size_t i = 0; i < kStatuses.size(); ++i)
        if (static_cast<size_t>(kStatuses[i].status) != i) return false;
      return kStatuses.size() == kCellStatusCount;
    }(),
    "kStatuses must list every CellStatus in declaration order");

using Causes = std::map<std::pair<std::string, std::string>, std::string>; // (object, program)

ReportCell make_cell(const ReportKernel& k, const std::string& object, const std::string& program,
                     const Causes& causes) {
  ReportCell cell;
  cell.kernel = k.name;
  if (!k.has_verdicts()) {
    cell.status = k.skipped() ? CellStatus::Skipped : CellStatus::NoResult;
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
      cell.status = CellStatus::NotVerified;
      cell.severity = Severity::ERROR;
    } else {
      cell.status = CellStatus::Absent;
    }
    return cell;
  }
  const ProgramDiff& d = *cell.diff;
  cell.result = d.result;
  cell.findings = d.findings;
  cell.severity = d.severity();
  std::optional<CellStatus> top;
  for (const auto& f : d.findings)
    if (auto s = cell_status_of(f.kind); s && (!top || *s < *top)) top = s;
  if (top) {
    cell.status = *top;
  } else {
    const bool rejected = d.current && d.current->verdict == Verdict::Rejected;
    if (k.diff->compared)
      cell.status = rejected ? CellStatus::RejectedAsBaselined : CellStatus::Unchanged;
    else
      cell.status = rejected ? CellStatus::Rejected : CellStatus::Accepted;
  }
  if (auto c = causes.find({object, program}); c != causes.end()) cell.cause = c->second;
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

const char* to_string(CellStatus s) {
  return kStatuses[static_cast<size_t>(s)].key;
}

std::string status_label(CellStatus s) {
  const StatusDef& d = kStatuses[static_cast<size_t>(s)];
  if (d.label) return d.label;
  std::string label = d.key;
  std::replace(label.begin(), label.end(), '-', ' ');
  return label;
}

std::optional<CellStatus> cell_status_of(FindingKind k) {
  switch (k) {
  case FindingKind::Regression:
    return CellStatus::Regressed;
  case FindingKind::Improved:
    return CellStatus::Improved;
  case FindingKind::ExpectedFail:
    return CellStatus::ExpectedFail;
  case FindingKind::UnexpectedPass:
    return CellStatus::UnexpectedPass;
  case FindingKind::ErrnoChanged:
    return CellStatus::ErrnoChanged;
  case FindingKind::TestRunChanged:
    return CellStatus::TestRunChanged;
  case FindingKind::TestRunExpectation:
    return CellStatus::TestRunFailed;
  case FindingKind::StatsMoved:
    return CellStatus::StatsMoved;
  case FindingKind::Headroom:
    return CellStatus::NearLimit;
  case FindingKind::LogChanged:
    return CellStatus::LogChanged;
  case FindingKind::NewProgram:
    return CellStatus::New;
  case FindingKind::RemovedProgram:
    return CellStatus::Removed;
  case FindingKind::NotVerified:
    return CellStatus::NotVerified;
  case FindingKind::ObjectError:
    return CellStatus::ObjectError;
  case FindingKind::Ignored:
    return CellStatus::Ignored;
  // Flags and findings about a kernel or the run as a whole.
  case FindingKind::Unchanged:
  case FindingKind::ObjectChanged:
  case FindingKind::KernelChanged:
  case FindingKind::ToolchainChanged:
  case FindingKind::KernelMissing:
  case FindingKind::KernelFailed:
  case FindingKind::KernelSkipped:
  case FindingKind::NoBaseline:
  case FindingKind::CapabilityChanged:
  case FindingKind::Canary:
  case FindingKind::EmptyCorpus:
  case FindingKind::NoKernel:
  case FindingKind::NotCompared:
  case FindingKind::BadInput:
  case FindingKind::OutputError:
    return std::nullopt;
  }
  return std::nullopt;
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

  // Rejections linked to the capability the kernel lacks, from its recorded bpftool probe.
  std::vector<Causes> causes(m.kernels.size());
  for (size_t i = 0; i < m.kernels.size(); ++i)
    if (m.kernels[i].result)
      for (const auto& c : explain_rejections(*m.kernels[i].result))
        causes[i][{c.object, c.program}] = c.message;

  for (auto& [key, row] : rows) {
    for (size_t i = 0; i < m.kernels.size(); ++i) {
      ReportCell c = make_cell(m.kernels[i], key.first, key.second, causes[i]);
      row.severity = worst(row.severity, c.severity);
      m.counts[c.status]++;
      if (c.severity >= Severity::ERROR && c.status != CellStatus::NoResult &&
          c.status != CellStatus::NotVerified)
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
