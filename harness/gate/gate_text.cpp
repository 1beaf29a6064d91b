// SPDX-License-Identifier: BSD-2-Clause
#include "gate/gate_text.h"

#include "baseline/diff_table.h"
#include "results/byte_text.h"

#include <algorithm>
#include <map>
#include <set>

namespace vmtest {

namespace {

std::string pad(std::string s, size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

struct KernelCounts {
  size_t programs = 0, accepted = 0, rejected = 0, expected_fail = 0;
  std::map<Severity, size_t> by_severity; // programs (and object rows) per worst severity
};

KernelCounts count(const DiffReport& r) {
  KernelCounts c;
  for (const auto& p : r.programs) {
    c.by_severity[p.severity()]++;
    if (p.program == "*" || !p.current) continue;
    ++c.programs;
    (p.current->verdict == Verdict::Accepted ? c.accepted : c.rejected)++;
    if (p.has(FindingKind::ExpectedFail)) ++c.expected_fail;
  }
  return c;
}

std::string kernel_line(const DiffReport& r, bool color) {
  std::string s = "kernel " + pad(terminal_text(r.kernel), 5) + " ";
  if (!r.result) return s + paint(Severity::ERROR, "missing from the results", color);
  if (r.result->canary) s += "(canary) ";
  if (!r.has_verdicts())
    return s + paint(r.result->status == KernelStatus::Skipped ? Severity::WARN : Severity::ERROR,
                     to_string(r.result->status), color);
  const KernelCounts c = count(r);
  s += paint(r.severity(), severity_name(r.severity()), color) + "  ";
  // Stopped early: its status first, and the counts are of the programs it reached.
  if (r.result->partial())
    s += paint(Severity::ERROR, to_string(r.result->status), color) + "  " +
         plural(c.programs, "program") + " reached";
  else
    s += plural(c.programs, "program");
  s += ": " + std::to_string(c.accepted) + " accepted, " +
       std::to_string(c.rejected) + " rejected";
  if (c.expected_fail) s += " (" + std::to_string(c.expected_fail) + " expected by policy)";
  if (!r.compared) s += "; not compared with a baseline";
  std::vector<std::string> parts;
  for (Severity sev : {Severity::FAIL, Severity::ERROR, Severity::WARN})
    if (auto it = c.by_severity.find(sev); it != c.by_severity.end() && it->second)
      parts.push_back(std::to_string(it->second) + " " + severity_name(sev));
  if (!parts.empty()) {
    s += "; ";
    for (size_t i = 0; i < parts.size(); ++i)
      s += (i ? ", " : "") + parts[i];
  }
  return s;
}

std::string where_of(const LocatedFinding& l) {
  if (!l.kernel) return "";
  if (!l.program) return l.kernel->kernel;
  return l.kernel->kernel + " " + l.program->object +
         (l.program->program == "*" ? "" : "/" + l.program->program);
}

} // namespace

std::vector<LocatedFinding> findings_at_least(const GateVerdict& v, Severity min) {
  std::vector<LocatedFinding> out;
  for (const auto& f : v.findings)
    if (f.severity >= min) out.push_back({&f, nullptr, nullptr});
  for (const auto& k : v.kernels) {
    for (const auto& f : k.kernel_findings)
      if (f.severity >= min) out.push_back({&f, &k, nullptr});
    for (const auto& p : k.programs)
      for (const auto& f : p.findings)
        if (f.severity >= min) out.push_back({&f, &k, &p});
  }
  std::stable_sort(out.begin(), out.end(), [](const LocatedFinding& a, const LocatedFinding& b) {
    return a.finding->severity > b.finding->severity;
  });
  return out;
}

std::string verdict_headline(const GateVerdict& v) {
  size_t kernels = 0, skipped = 0;
  std::set<std::pair<std::string, std::string>> programs;
  for (const auto& k : v.kernels) {
    if (k.has_verdicts())
      ++kernels;
    else if (k.result && k.result->status == KernelStatus::Skipped)
      ++skipped;
    for (const auto& p : k.programs)
      if (p.program != "*") programs.insert({p.object, p.program});
  }
  const std::string scope = plural(programs.size(), "program") + " on " +
                            plural(kernels, "kernel") +
                            (skipped ? " (" + std::to_string(skipped) + " skipped)" : "");
  if (v.outcome == Outcome::Clean) {
    size_t warnings = findings_at_least(v, Severity::WARN).size();
    return scope + (v.compared ? " match their baselines" : " verified") +
           (warnings ? ", " + plural(warnings, "warning") : "");
  }
  // "regression on 6.1 (1); test-run-expectation on 5.10, 6.1 (2)"
  const Severity worst_sev = v.outcome == Outcome::Regression ? Severity::FAIL : Severity::ERROR;
  std::map<std::string, std::pair<size_t, std::set<std::string>>> by_kind;
  std::vector<std::string> order;
  size_t total = 0;
  const Finding* only = nullptr;
  for (const auto& l : findings_at_least(v, worst_sev)) {
    if (l.finding->severity != worst_sev) continue;
    ++total;
    only = l.finding;
    const std::string kind = finding_name(l.finding->kind);
    if (!by_kind.count(kind)) order.push_back(kind);
    auto& e = by_kind[kind];
    e.first++;
    if (l.kernel) e.second.insert(l.kernel->kernel);
  }
  std::string parts;
  for (const auto& kind : order) {
    const auto& [n, ks] = by_kind[kind];
    parts += (parts.empty() ? "" : "; ") + kind;
    if (!ks.empty()) {
      parts += " on ";
      bool first = true;
      for (const auto& k : ks)
        parts += (first ? "" : ", ") + k, first = false;
    }
    parts += " (" + std::to_string(n) + ")";
  }
  // A single finding says what it is in the headline itself.
  if (total == 1 && only) parts += ": " + only->message;
  return plural(total, v.outcome == Outcome::Regression ? "failing check" : "error") + " across " +
         scope + ": " + parts;
}

std::string render_gate_text(const GateVerdict& v, const GateTextOptions& o) {
  std::string out;
  if (o.verbose) {
    for (const auto& k : v.kernels)
      if (k.has_verdicts()) out += render_diff_table(k, o.color) + "\n";
  }
  for (const auto& k : v.kernels)
    out += kernel_line(k, o.color) + "\n";
  // Failures, errors and warnings, one line each; INFO only for the run as a whole (why it was
  // not compared, an empty shard) since per-program INFO (log tails) is for -v and the report.
  const auto lines = findings_at_least(v, Severity::INFO);
  bool any = false;
  for (const auto& l : lines) {
    if (l.finding->severity == Severity::INFO && l.kernel) continue;
    if (!any) out += "\n";
    any = true;
    std::string line =
        paint(l.finding->severity, pad(severity_name(l.finding->severity), 5), o.color) + " ";
    // Names and messages carry corpus bytes: an ESC or CR in a program name must not clear the
    // screen or overwrite this line with a forged one.
    const std::string where = terminal_text(where_of(l));
    if (!where.empty()) line += where + ": ";
    line += terminal_text(l.finding->message);
    if (l.program && !l.program->policy_reason.empty() &&
        l.finding->message.find(l.program->policy_reason) == std::string::npos)
      line += " [policy: " + terminal_text(l.program->policy_reason) + "]";
    out += line + "\n";
  }
  out += "\nvmtest: ";
  switch (v.outcome) {
  case Outcome::Clean:
    out += paint(Severity::OK, "clean", o.color) + ": ";
    break;
  case Outcome::Regression:
    out += paint(Severity::FAIL, "FAIL", o.color) + ": ";
    break;
  case Outcome::Error:
    out += paint(Severity::ERROR, "ERROR", o.color) + ": ";
    break;
  }
  out += terminal_text(verdict_headline(v)) + " (exit " + std::to_string(v.exit_code) + ")\n";
  return out;
}

} // namespace vmtest
