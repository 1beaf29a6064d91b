#include "baseline/classify.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <dtl/dtl.hpp>

#include "verifier/missing_helper.h"

namespace vmtest {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::OK: return "OK";
    case Severity::INFO: return "INFO";
    case Severity::WARN: return "WARN";
    case Severity::FAIL: return "FAIL";
  }
  return "?";
}

const char* change_name(Change c) {
  switch (c) {
    case Change::Unchanged: return "unchanged";
    case Change::Regression: return "regression";
    case Change::Improved: return "improved";
    case Change::ExpectedFail: return "expected-fail";
    case Change::UnexpectedPass: return "unexpected-pass";
    case Change::ErrnoChanged: return "errno-changed";
    case Change::TestRunChanged: return "test-run-changed";
    case Change::StatsMoved: return "stats-moved";
    case Change::LogChanged: return "log-changed";
    case Change::NewProgram: return "new";
    case Change::RemovedProgram: return "removed";
    case Change::ObjectChanged: return "object-changed";
    case Change::ObjectError: return "object-error";
    case Change::Ignored: return "ignored";
    case Change::KernelChanged: return "kernel-changed";
    case Change::KernelMissing: return "kernel-missing";
    case Change::CapabilityChanged: return "capability-changed";
  }
  return "?";
}

namespace {

Severity worst(Severity a, Severity b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

std::string short_hash(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) : h; }

// "insns 1200 -> 1500 (+300, +25.0%)" when the move exceeds both thresholds, else nothing.
std::optional<std::string> stat_move(const char* name, const std::optional<int64_t>& a,
                                     const std::optional<int64_t>& b, double pct_limit,
                                     int64_t abs_limit) {
  if (!a || !b || *a == *b) return std::nullopt;
  const int64_t delta = *b - *a;
  const double pct = *a == 0 ? 100.0 : 100.0 * static_cast<double>(delta) / static_cast<double>(*a);
  if (std::llabs(delta) <= abs_limit || std::fabs(pct) <= pct_limit) return std::nullopt;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %lld -> %lld (%+lld, %+.1f%%)", name,
                static_cast<long long>(*a), static_cast<long long>(*b),
                static_cast<long long>(delta), pct);
  return std::string(buf);
}

std::string rejection_detail(const BaselineProgram& p) {
  std::string s = "errno " + std::to_string(p.err);
  std::string joined;
  for (const auto& l : p.log_tail) joined += l + "\n";
  if (auto h = missing_helper(joined)) s += ", kernel lacks " + *h;
  // The verifier's error message is the last line before the summary.
  for (auto it = p.log_tail.rbegin(); it != p.log_tail.rend(); ++it) {
    if (it->rfind("processed ", 0) == 0 || it->rfind("verification time", 0) == 0 ||
        it->rfind("stack depth", 0) == 0)
      continue;
    s += ": " + *it;
    break;
  }
  return s;
}

void add(ProgramDiff& row, Change c, Severity s, std::string msg) {
  row.findings.push_back({c, s, std::move(msg)});
}

// Both sides present: the heart of the gate.
void compare_program(ProgramDiff& row, const BaselineProgram& a, const BaselineProgram& b,
                     const PolicyDecision& d) {
  const bool same_verdict = a.verdict == b.verdict;
  if (d.expected_to_fail) {
    row.policy_reason = d.expected_to_fail_reason;
    if (b.verdict == "rejected")
      add(row, Change::ExpectedFail, Severity::OK,
          "expected to fail (" + d.expected_to_fail_reason + ")");
    else
      add(row, Change::UnexpectedPass, Severity::FAIL,
          "expected to fail but loaded; drop the expected_to_fail rule if this is intended "
          "(rule reason: " + d.expected_to_fail_reason + ")");
  } else if (a.verdict == "accepted" && b.verdict == "rejected") {
    add(row, Change::Regression, Severity::FAIL,
        "accepted -> rejected (" + rejection_detail(b) + ")");
  } else if (a.verdict == "rejected" && b.verdict == "accepted") {
    add(row, Change::Improved, Severity::FAIL,
        "rejected -> accepted; update the baseline deliberately");
  } else if (!same_verdict) {
    add(row, Change::Regression, Severity::FAIL, "verdict " + a.verdict + " -> " + b.verdict);
  } else if (a.verdict == "rejected" && a.err != b.err) {
    add(row, Change::ErrnoChanged, Severity::WARN,
        "still rejected, errno " + std::to_string(a.err) + " -> " + std::to_string(b.err));
  }

  // Stats and test_run only mean something when both sides took the same path.
  if (same_verdict && !d.ignore_test_run && !(a.test_run == b.test_run)) {
    std::string msg = "test_run";
    if (a.test_run.status != b.test_run.status)
      msg += " status " + a.test_run.status + " -> " + b.test_run.status;
    if (a.test_run.retval != b.test_run.retval)
      msg += " retval " + (a.test_run.retval ? std::to_string(*a.test_run.retval) : "-") + " -> " +
             (b.test_run.retval ? std::to_string(*b.test_run.retval) : "-");
    if (a.test_run.data_out_sha256 != b.test_run.data_out_sha256)
      msg += " data_out " + short_hash(a.test_run.data_out_sha256) + " -> " +
             short_hash(b.test_run.data_out_sha256);
    add(row, Change::TestRunChanged, Severity::FAIL, msg);
  }
  if (same_verdict && !d.ignore_stats) {
    const Thresholds& t = d.thresholds;
    std::vector<std::string> moves;
    if (auto m = stat_move("insns", a.insns_processed, b.insns_processed, t.insns_pct, t.insns_abs))
      moves.push_back(*m);
    if (auto m = stat_move("states", a.total_states, b.total_states, t.states_pct, t.states_abs))
      moves.push_back(*m);
    if (auto m = stat_move("peak_states", a.peak_states, b.peak_states, t.states_pct, t.states_abs))
      moves.push_back(*m);
    if (!moves.empty()) {
      std::string msg;
      for (const auto& m : moves) msg += (msg.empty() ? "" : "; ") + m;
      if (!d.thresholds_reason.empty()) {
        msg += " [thresholds: " + d.thresholds_reason + "]";
        if (row.policy_reason.empty()) row.policy_reason = d.thresholds_reason;
      }
      add(row, Change::StatsMoved, t.fail_on_stats ? Severity::FAIL : Severity::WARN, msg);
    }
  }
  if (!d.ignore_log_tail && a.log_tail != b.log_tail) {
    row.log_diff = line_diff(a.log_tail, b.log_tail);
    add(row, Change::LogChanged, Severity::INFO, "log tail changed");
  }
  if ((d.ignore_stats || d.ignore_log_tail || d.ignore_test_run) && row.policy_reason.empty())
    row.policy_reason = d.ignore_reason;
}

struct ObjectView {
  const std::string* sha256 = nullptr;
  const std::string* error = nullptr;
  std::map<std::string, BaselineProgram> programs;
};

}  // namespace

Severity ProgramDiff::severity() const {
  Severity s = Severity::OK;
  for (const auto& f : findings) s = worst(s, f.severity);
  return s;
}

bool ProgramDiff::has(Change c) const {
  return std::any_of(findings.begin(), findings.end(), [c](const Finding& f) { return f.change == c; });
}

Severity DiffReport::severity() const {
  Severity s = Severity::OK;
  for (const auto& f : kernel_findings) s = worst(s, f.severity);
  for (const auto& p : programs) s = worst(s, p.severity());
  return s;
}

std::vector<std::string> line_diff(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b) {
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream os;
  diff.printUnifiedFormat(os);
  std::vector<std::string> lines;
  std::istringstream is(os.str());
  for (std::string l; std::getline(is, l);) lines.push_back(l);
  return lines;
}

DiffReport diff_kernel(const Baseline& base, const KernelResult& current, const Policy& policy,
                       const Thresholds& thresholds) {
  DiffReport r;
  r.kernel = current.name.empty() ? base.kernel.name : current.name;

  if (current.status != "ok") {
    r.infrastructure_error = true;
    r.kernel_findings.push_back(
        {Change::KernelMissing, Severity::FAIL,
         "no verdicts from kernel " + r.kernel + ": status " + current.status +
             (current.error.empty() ? "" : " (" + current.error + ")")});
    return r;
  }

  // A baseline belongs to one kernel build. Comparing across builds is allowed (the diff is
  // useful) but must not pass silently: a new build is adopted by re-recording on purpose.
  std::vector<std::string> moved;
  if (!base.kernel.name.empty() && !current.name.empty() && base.kernel.name != current.name)
    moved.push_back("name " + base.kernel.name + " -> " + current.name);
  if (!base.kernel.release.empty() && !current.kernel_release.empty() &&
      base.kernel.release != current.kernel_release)
    moved.push_back("release " + base.kernel.release + " -> " + current.kernel_release);
  if (!base.kernel.image_sha256.empty() && !current.image_sha256.empty() &&
      base.kernel.image_sha256 != current.image_sha256)
    moved.push_back("image sha256 " + short_hash(base.kernel.image_sha256) + " -> " +
                    short_hash(current.image_sha256));
  if (!moved.empty()) {
    std::string msg = "the kernel changed since the baseline was recorded (";
    for (size_t i = 0; i < moved.size(); ++i) msg += (i ? "; " : "") + moved[i];
    msg += "); review the differences and re-record the baseline deliberately";
    r.kernel_findings.push_back({Change::KernelChanged, Severity::FAIL, msg});
  }

  // Capabilities inform (a helper gained or lost explains verdict moves) but never gate.
  if (!base.capabilities.empty()) {
    auto now = baseline_capabilities(current.capabilities);
    if (!now.empty()) {
      std::set<std::string> keys;
      for (const auto& [k, v] : base.capabilities) keys.insert(k);
      for (const auto& [k, v] : now) keys.insert(k);
      for (const auto& k : keys) {
        auto b = base.capabilities.find(k);
        auto c = now.find(k);
        std::string was = b == base.capabilities.end() ? "?" : b->second;
        std::string is = c == now.end() ? "?" : c->second;
        if (was != is)
          r.kernel_findings.push_back({Change::CapabilityChanged, Severity::INFO,
                                       "capability " + k + ": " + was + " -> " + is});
      }
    }
  }

  // Both sides as sorted maps, so the report order never depends on input order.
  std::map<std::string, ObjectView> before, after;
  for (const auto& [name, o] : base.objects) {
    auto& v = before[name];
    v.sha256 = &o.sha256;
    v.error = &o.error;
    v.programs = o.programs;
  }
  for (const auto& o : current.objects) {
    auto& v = after[o.name];
    v.sha256 = &o.sha256;
    v.error = &o.error;
    for (const auto& p : o.programs) v.programs[p.name] = baseline_program(p);
  }
  std::set<std::string> names;
  for (const auto& [n, _] : before) names.insert(n);
  for (const auto& [n, _] : after) names.insert(n);

  const Severity new_removed = policy.strict ? Severity::FAIL : Severity::INFO;
  for (const auto& oname : names) {
    auto bi = before.find(oname);
    auto ai = after.find(oname);
    const ObjectView* ob = bi == before.end() ? nullptr : &bi->second;
    const ObjectView* oa = ai == after.end() ? nullptr : &ai->second;
    const bool object_changed = ob && oa && !ob->sha256->empty() && !oa->sha256->empty() &&
                                *ob->sha256 != *oa->sha256;

    if (ob && oa && *ob->error != *oa->error) {
      ProgramDiff row;
      row.object = oname;
      row.program = "*";
      row.object_changed = object_changed;
      if (oa->error->empty())
        add(row, Change::ObjectError, Severity::FAIL, "object opens again (was: " + *ob->error + ")");
      else
        add(row, Change::ObjectError, Severity::FAIL, "object cannot be opened: " + *oa->error);
      r.programs.push_back(std::move(row));
    }

    std::set<std::string> progs;
    if (ob) for (const auto& [p, _] : ob->programs) progs.insert(p);
    if (oa) for (const auto& [p, _] : oa->programs) progs.insert(p);
    for (const auto& pname : progs) {
      ProgramDiff row;
      row.object = oname;
      row.program = pname;
      row.object_changed = object_changed;
      if (ob) if (auto it = ob->programs.find(pname); it != ob->programs.end()) row.base = it->second;
      if (oa) if (auto it = oa->programs.find(pname); it != oa->programs.end()) row.current = it->second;

      const PolicyDecision d = policy.decide(r.kernel, oname, pname, thresholds);
      if (d.ignore_all) {
        row.policy_reason = d.ignore_reason;
        add(row, Change::Ignored, Severity::OK, "ignored by policy (" + d.ignore_reason + ")");
        r.programs.push_back(std::move(row));
        continue;
      }
      if (row.base && row.current) {
        compare_program(row, *row.base, *row.current, d);
      } else if (row.current) {
        Severity s = new_removed;
        std::string msg = "new program, " + row.current->verdict;
        if (row.current->verdict == "rejected" && !d.expected_to_fail) {
          s = worst(s, Severity::WARN);
          msg += " (" + rejection_detail(*row.current) + ")";
        }
        add(row, Change::NewProgram, s, msg);
        if (d.expected_to_fail) {
          row.policy_reason = d.expected_to_fail_reason;
          if (row.current->verdict == "rejected")
            add(row, Change::ExpectedFail, Severity::OK,
                "expected to fail (" + d.expected_to_fail_reason + ")");
          else
            add(row, Change::UnexpectedPass, Severity::FAIL,
                "expected to fail but loaded (rule reason: " + d.expected_to_fail_reason + ")");
        }
      } else {
        add(row, Change::RemovedProgram, new_removed,
            "removed (was " + row.base->verdict + ")");
      }
      if (object_changed)
        add(row, Change::ObjectChanged, Severity::INFO,
            "object changed (sha256 " + short_hash(*ob->sha256) + " -> " +
                short_hash(*oa->sha256) + ")");
      r.programs.push_back(std::move(row));
    }
  }
  return r;
}

std::vector<DiffReport> diff_runs(const RunResults& a, const RunResults& b, const Policy& policy,
                                  const Thresholds& thresholds) {
  std::set<std::string> kernels;
  for (const auto& k : a.kernels) kernels.insert(k.name);
  for (const auto& k : b.kernels) kernels.insert(k.name);

  std::vector<DiffReport> out;
  const Severity one_sided = policy.strict ? Severity::FAIL : Severity::INFO;
  for (const auto& name : kernels) {
    const KernelResult* ka = a.find(name);
    const KernelResult* kb = b.find(name);
    // A row neither run could boot here (no image source) has nothing to compare.
    bool skipped_a = !ka || ka->status == "skipped";
    bool skipped_b = !kb || kb->status == "skipped";
    if (skipped_a && skipped_b) continue;
    if (ka && kb && ka->status != "ok") {
      DiffReport r;
      r.kernel = name;
      r.infrastructure_error = true;
      r.kernel_findings.push_back({Change::KernelMissing, Severity::FAIL,
                                   "the reference run has no verdicts for kernel " + name +
                                       ": status " + ka->status});
      out.push_back(std::move(r));
    } else if (ka && kb) {
      out.push_back(diff_kernel(baseline_from_kernel_result(*ka, a.toolchain), *kb, policy,
                                thresholds));
    } else {
      DiffReport r;
      r.kernel = name;
      r.kernel_findings.push_back(
          {Change::KernelMissing, one_sided,
           std::string("kernel ") + name + " is only in the " + (ka ? "first" : "second") + " run"});
      out.push_back(std::move(r));
    }
  }
  return out;
}

int exit_code(const DiffReport& report) { return exit_code(std::vector<DiffReport>{report}); }

int exit_code(const std::vector<DiffReport>& reports) {
  bool infra = false;
  for (const auto& r : reports) {
    if (r.infrastructure_error) {
      infra = true;
      continue;
    }
    if (r.severity() == Severity::FAIL) return 1;
  }
  return infra ? 2 : 0;
}

}  // namespace vmtest
