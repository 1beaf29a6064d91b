// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/classify.h"

#include "results/change_thresholds.h"
#include "results/headroom.h"
#include "verifier/missing_helper.h"

#include <algorithm>
#include <cstdio>
#include <dtl/dtl.hpp>
#include <map>
#include <set>
#include <sstream>

namespace vmtest {

namespace {

std::string short_hash(const std::string& h) {
  return h.size() > 12 ? h.substr(0, 12) : h;
}

std::string u32(const std::optional<uint32_t>& v) {
  return v ? std::to_string(*v) : "-";
}

void add(ProgramDiff& row, FindingKind k, Severity s, std::string msg) {
  row.findings.push_back({k, s, std::move(msg)});
}

// testrun/ cases may declare what they expect; a miss fails with or without a baseline.
void check_expectations(ProgramDiff& row, const PolicyDecision& d) {
  if (!row.result || d.ignore_test_run) return;
  std::vector<const TestRunResult*> runs = {&row.result->test_run};
  for (const auto& t : row.result->more_test_runs)
    runs.push_back(&t);
  for (const TestRunResult* t : runs) {
    if (!t->expectation_failed) continue;
    std::string msg = "test_run case " + (t->case_name.empty() ? "default" : t->case_name) +
                      ": expectation failed (retval " + u32(t->retval);
    if (t->expected_retval) msg += ", expected " + u32(t->expected_retval);
    if (t->expected_data_out_hex && *t->expected_data_out_hex != t->data_out_hex)
      msg += "; data_out differs from the expected bytes";
    if (t->status != TestRunStatus::Ok)
      msg += std::string("; status ") + to_string(t->status) +
             (t->err ? ", errno " + std::to_string(t->err) : "");
    msg += ")";
    add(row, FindingKind::TestRunExpectation, Severity::FAIL, msg);
  }
}

// How close an accepted program comes to the kernel's limits. It needs no baseline: a program
// at 90% of the insn limit is a risk whatever it used before. A rejected program's counts say
// how far the verifier got, and its verdict already speaks for it.
void check_headroom(ProgramDiff& row, const PolicyDecision& d) {
  if (!row.result || row.result->verdict != Verdict::Accepted || d.ignore_headroom) return;
  for (const FractionUse& u : headroom_of(*row.result)) {
    const HeadroomState state = headroom_state(u, d.thresholds.headroom);
    if (state == HeadroomState::Ok) continue;
    const HeadroomLevels& l = d.thresholds.headroom[u.id];
    const bool fail = state == HeadroomState::Fail;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%g%%", fail ? l.fail_pct : l.warn_pct);
    // Every rendering puts the kernel and the program next to this (the terminal line, the
    // report's cell, the summary's heading), so the message is the fraction itself.
    std::string msg = describe(u) + " reaches the " + (fail ? "fail" : "warn") + " threshold " +
                      pct + " (limit: " + std::string(fraction_def(u.id).limit_name) + ")";
    if (!d.headroom_reason.empty()) {
      msg += " [headroom: " + d.headroom_reason + "]";
      if (row.policy_reason.empty()) row.policy_reason = d.headroom_reason;
    }
    add(row, FindingKind::Headroom, fail ? Severity::FAIL : Severity::WARN, msg);
  }
}

// The policy's word on a program that has no baseline row to compare with.
void check_policy_alone(ProgramDiff& row, const PolicyDecision& d) {
  if (!d.expected_to_fail || !row.current) return;
  row.policy_reason = d.expected_to_fail_reason;
  if (row.current->verdict == Verdict::Rejected)
    add(row, FindingKind::ExpectedFail, Severity::OK,
        "expected to fail (" + d.expected_to_fail_reason + ")");
  else
    add(row, FindingKind::UnexpectedPass, Severity::FAIL,
        "expected to fail but loaded (rule reason: " + d.expected_to_fail_reason + ")");
}

// Both sides present: the heart of the gate.
void compare_program(ProgramDiff& row, const BaselineProgram& a, const BaselineProgram& b,
                     const PolicyDecision& d) {
  const bool same_verdict = a.verdict == b.verdict;
  if (d.expected_to_fail) {
    row.policy_reason = d.expected_to_fail_reason;
    if (b.verdict == Verdict::Rejected)
      add(row, FindingKind::ExpectedFail, Severity::OK,
          "expected to fail (" + d.expected_to_fail_reason + ")");
    else
      add(row, FindingKind::UnexpectedPass, Severity::FAIL,
          "expected to fail but loaded; drop the expected_to_fail rule if this is intended "
          "(rule reason: " +
              d.expected_to_fail_reason + ")");
  } else if (a.verdict == Verdict::Accepted && b.verdict == Verdict::Rejected) {
    add(row, FindingKind::Regression, Severity::FAIL,
        "accepted -> rejected (" + rejection_detail(b) + ")");
  } else if (a.verdict == Verdict::Rejected && b.verdict == Verdict::Accepted) {
    add(row, FindingKind::Improved, Severity::FAIL,
        "rejected -> accepted; update the baseline deliberately");
  } else if (a.verdict == Verdict::Rejected && a.err != b.err) {
    add(row, FindingKind::ErrnoChanged, Severity::WARN,
        "still rejected, errno " + std::to_string(a.err) + " -> " + std::to_string(b.err));
  }

  // Stats and test_run only mean something when both sides took the same path.
  if (same_verdict && !d.ignore_test_run && !(a.test_run == b.test_run)) {
    std::string msg = "test_run";
    if (a.test_run.status != b.test_run.status)
      msg += std::string(" status ") + to_string(a.test_run.status) + " -> " +
             to_string(b.test_run.status);
    if (a.test_run.retval != b.test_run.retval)
      msg += " retval " + u32(a.test_run.retval) + " -> " + u32(b.test_run.retval);
    if (a.test_run.data_out_sha256 != b.test_run.data_out_sha256)
      msg += " data_out " + short_hash(a.test_run.data_out_sha256) + " -> " +
             short_hash(b.test_run.data_out_sha256);
    add(row, FindingKind::TestRunChanged, Severity::FAIL, msg);
  }
  if (same_verdict && !d.ignore_stats) {
    // The one change test; the guest chose its full logs with it (results/full_log_selection.h).
    std::string msg;
    for (const MetricMove& move : gated_moves(a.metrics, b.metrics, d.thresholds.change))
      msg += (msg.empty() ? "" : "; ") + describe(move);
    if (!msg.empty()) {
      if (!d.thresholds_reason.empty()) {
        msg += " [thresholds: " + d.thresholds_reason + "]";
        if (row.policy_reason.empty()) row.policy_reason = d.thresholds_reason;
      }
      add(row, FindingKind::StatsMoved,
          d.thresholds.fail_on_stats ? Severity::FAIL : Severity::WARN, msg);
    }
  }
  if (!d.ignore_log_tail && a.log_tail != b.log_tail) {
    row.log_diff = line_diff(a.log_tail, b.log_tail);
    add(row, FindingKind::LogChanged, Severity::INFO, "log tail changed");
  }
  if ((d.ignore_stats || d.ignore_log_tail || d.ignore_test_run) && row.policy_reason.empty())
    row.policy_reason = d.ignore_reason;
}

struct ObjectView {
  const std::string* sha256 = nullptr;
  const std::string* error = nullptr;
  std::map<std::string, BaselineProgram> programs;
  std::map<std::string, const ProgramResult*> results;
};

void kernel_identity(const Baseline& base, const KernelResult& current, const Toolchain& toolchain,
                     const Policy& policy, DiffReport& r) {
  // A baseline belongs to one kernel build. Comparing across builds is allowed (the diff is
  // useful, and a row may be served by another source than the one it was recorded on) but
  // must never pass silently: it is a finding of its own, and FAIL under --strict.
  std::vector<std::string> moved;
  if (!base.kernel.name.empty() && !current.name.empty() && base.kernel.name != current.name)
    moved.push_back("name " + base.kernel.name + " -> " + current.name);
  if (!base.kernel.release.empty() && !current.kernel_release.empty() &&
      base.kernel.release != current.kernel_release)
    moved.push_back("release " + base.kernel.release + " -> " + current.kernel_release);
  if (!base.kernel.image_sha256.empty() && !current.image_sha256.empty() &&
      base.kernel.image_sha256 != current.image_sha256)
    moved.push_back("image sha256 " + short_hash(base.kernel.image_sha256) + " (" +
                    base.kernel.image + ") -> " + short_hash(current.image_sha256) + " (" +
                    current.image + ")");
  if (!moved.empty()) {
    std::string msg = "the baseline was recorded on another build of kernel " + r.kernel + " (";
    for (size_t i = 0; i < moved.size(); ++i)
      msg += (i ? "; " : "") + moved[i];
    msg += "); verdict changes may be the kernel's, not the code's: re-record the baseline on "
           "this build deliberately";
    r.kernel_findings.push_back(
        {FindingKind::KernelChanged, policy.strict ? Severity::FAIL : Severity::WARN, msg});
  }
  // The loader decides relocations, fixups and error text; a new libbpf is adopted on purpose.
  if (!base.compiler.libbpf.empty() && !toolchain.libbpf.empty() &&
      base.compiler.libbpf != toolchain.libbpf)
    r.kernel_findings.push_back(
        {FindingKind::ToolchainChanged, Severity::WARN,
         "libbpf " + base.compiler.libbpf + " -> " + toolchain.libbpf +
             " since the baseline was recorded; re-record it deliberately"});
  if (!base.compiler.clang.empty() && !toolchain.clang.empty() &&
      base.compiler.clang != toolchain.clang)
    r.kernel_findings.push_back({FindingKind::ToolchainChanged, Severity::INFO,
                                 "BPF objects built with clang " + toolchain.clang +
                                     ", baseline with " + base.compiler.clang});

  // Capabilities inform (a helper gained or lost explains verdict moves) but never gate.
  if (!base.capabilities.empty()) {
    auto now = baseline_capabilities(current.capabilities);
    if (!now.empty()) {
      std::set<std::string> keys;
      for (const auto& [k, v] : base.capabilities)
        keys.insert(k);
      for (const auto& [k, v] : now)
        keys.insert(k);
      for (const auto& k : keys) {
        auto b = base.capabilities.find(k);
        auto c = now.find(k);
        std::string was = b == base.capabilities.end() ? "?" : b->second;
        std::string is = c == now.end() ? "?" : c->second;
        if (was != is)
          r.kernel_findings.push_back({FindingKind::CapabilityChanged, Severity::INFO,
                                       "capability " + k + ": " + was + " -> " + is});
      }
    }
  }
}

// "kernel timed out at m_slow.bpf.o": where a kernel that stopped early stopped.
std::string stopped_at(const KernelResult& k) {
  std::string what;
  switch (k.status) {
  case KernelStatus::Timeout:
    what = "kernel timed out";
    break;
  case KernelStatus::Panic:
    what = "kernel panicked";
    break;
  case KernelStatus::Killed:
    what = "qemu was killed";
    break;
  case KernelStatus::Crashed:
    what = "qemu crashed";
    break;
  case KernelStatus::Interrupted:
    what = "run was interrupted";
    break;
  default:
    what = std::string("kernel stopped (") + to_string(k.status) + ")";
    break;
  }
  return what + (k.running_object.empty() ? " before it" : " at " + k.running_object);
}

} // namespace

std::string rejection_detail(const BaselineProgram& p) {
  std::string s = "errno " + std::to_string(p.err);
  std::string joined;
  for (const auto& l : p.log_tail)
    joined += l + "\n";
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

Severity ProgramDiff::severity() const {
  Severity s = Severity::OK;
  for (const auto& f : findings)
    s = worst(s, f.severity);
  return s;
}

bool ProgramDiff::has(FindingKind k) const {
  return std::any_of(findings.begin(), findings.end(),
                     [k](const Finding& f) { return f.kind == k; });
}

Severity DiffReport::severity() const {
  Severity s = Severity::OK;
  for (const auto& f : kernel_findings)
    s = worst(s, f.severity);
  for (const auto& p : programs)
    s = worst(s, p.severity());
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
  for (std::string l; std::getline(is, l);)
    lines.push_back(l);
  return lines;
}

DiffReport diff_kernel(const Baseline* base, const KernelResult& current,
                       const Toolchain& toolchain, const Policy& policy,
                       const Thresholds& thresholds) {
  DiffReport r;
  r.kernel = current.name.empty() && base ? base->kernel.name : current.name;
  r.result = &current;

  if (current.status == KernelStatus::Skipped) {
    r.kernel_findings.push_back({FindingKind::KernelSkipped, Severity::WARN,
                                 "skipped" + (current.error.empty() ? "" : ": " + current.error)});
    return r;
  }
  // A kernel that stopped early is an error whatever it reached. The objects it reached are
  // judged like any other (a regression among them is a FAIL of its own); the baseline's
  // objects it never reached are listed as not verified, never as removed.
  const bool partial = current.partial();
  if (current.status != KernelStatus::Ok) {
    std::string msg = partial ? std::string("stopped early: ") : std::string("no verdicts: ");
    msg += to_string(current.status);
    if (!current.error.empty()) msg += " (" + current.error + ")";
    if (partial) {
      size_t programs = 0;
      for (const auto& o : current.objects)
        programs += o.programs.size();
      msg += "; only the " + std::to_string(current.objects.size()) + " objects (" +
             std::to_string(programs) + " programs) it reached are judged";
    }
    r.kernel_findings.push_back({FindingKind::KernelFailed, Severity::ERROR, msg});
    if (!partial) return r;
  }
  r.compared = base != nullptr;
  if (base) kernel_identity(*base, current, toolchain, policy, r);

  // Both sides as sorted maps, so the report order never depends on input order.
  static const std::string kNone;
  std::map<std::string, ObjectView> before, after;
  if (base)
    for (const auto& [name, o] : base->objects) {
      auto& v = before[name];
      v.sha256 = &o.sha256;
      v.error = &o.error;
      v.programs = o.programs;
    }
  for (const auto& o : current.objects) {
    auto& v = after[o.name];
    v.sha256 = &o.sha256;
    v.error = &o.error;
    for (const auto& p : o.programs) {
      v.programs[p.name] = baseline_program(p);
      v.results[p.name] = &p;
    }
  }
  std::set<std::string> names;
  for (const auto& [n, _] : before)
    names.insert(n);
  for (const auto& [n, _] : after)
    names.insert(n);

  const Severity new_removed = policy.strict ? Severity::FAIL : Severity::INFO;
  for (const auto& oname : names) {
    auto bi = before.find(oname);
    auto ai = after.find(oname);
    const ObjectView* ob = bi == before.end() ? nullptr : &bi->second;
    const ObjectView* oa = ai == after.end() ? nullptr : &ai->second;
    const bool object_changed =
        ob && oa && !ob->sha256->empty() && !oa->sha256->empty() && *ob->sha256 != *oa->sha256;
    const std::string& err_now = oa ? *oa->error : kNone;
    const std::string& err_before = ob ? *ob->error : kNone;

    if (partial && !oa) {
      const std::string msg = "not verified (" + stopped_at(current) + ")";
      auto unreached = [&](const std::string& pname) {
        ProgramDiff row;
        row.object = oname;
        row.program = pname;
        if (auto it = ob->programs.find(pname); it != ob->programs.end()) row.base = it->second;
        const PolicyDecision d = policy.decide(r.kernel, oname, pname, thresholds);
        if (d.ignore_all) {
          row.policy_reason = d.ignore_reason;
          add(row, FindingKind::Ignored, Severity::OK,
              "ignored by policy (" + d.ignore_reason + ")");
        } else {
          add(row, FindingKind::NotVerified, Severity::ERROR, msg);
        }
        r.programs.push_back(std::move(row));
      };
      if (ob->programs.empty()) unreached("*");
      for (const auto& [pname, _] : ob->programs)
        unreached(pname);
      continue;
    }

    // An object that cannot be opened hides its programs: that is an input error on every
    // path, baselined or not, unless a policy rule ignores the object.
    if (!err_now.empty() || (base && ob && !err_before.empty())) {
      ProgramDiff row;
      row.object = oname;
      row.program = "*";
      row.object_changed = object_changed;
      const PolicyDecision d = policy.decide(r.kernel, oname, "*", thresholds);
      if (d.ignore_all) {
        row.policy_reason = d.ignore_reason;
        add(row, FindingKind::Ignored, Severity::OK, "ignored by policy (" + d.ignore_reason + ")");
      } else if (!err_now.empty()) {
        add(row, FindingKind::ObjectError, Severity::ERROR, "object cannot be opened: " + err_now);
      } else if (oa) {
        add(row, FindingKind::ObjectError, Severity::WARN,
            "object opens again (was: " + err_before + "); re-record the baseline");
      }
      if (!row.findings.empty()) r.programs.push_back(std::move(row));
    }

    std::set<std::string> progs;
    if (ob)
      for (const auto& [p, _] : ob->programs)
        progs.insert(p);
    if (oa)
      for (const auto& [p, _] : oa->programs)
        progs.insert(p);
    for (const auto& pname : progs) {
      ProgramDiff row;
      row.object = oname;
      row.program = pname;
      row.object_changed = object_changed;
      if (ob)
        if (auto it = ob->programs.find(pname); it != ob->programs.end()) row.base = it->second;
      if (oa)
        if (auto it = oa->programs.find(pname); it != oa->programs.end()) {
          row.current = it->second;
          row.result = oa->results.at(pname);
        }

      const PolicyDecision d = policy.decide(r.kernel, oname, pname, thresholds);
      if (d.ignore_all) {
        row.policy_reason = d.ignore_reason;
        add(row, FindingKind::Ignored, Severity::OK, "ignored by policy (" + d.ignore_reason + ")");
        r.programs.push_back(std::move(row));
        continue;
      }
      if (!base) {
        check_policy_alone(row, d);
      } else if (row.base && row.current) {
        compare_program(row, *row.base, *row.current, d);
      } else if (row.current) {
        Severity s = new_removed;
        std::string msg = std::string("new program, ") + to_string(row.current->verdict);
        if (row.current->verdict == Verdict::Rejected && !d.expected_to_fail) {
          s = worst(s, Severity::WARN);
          msg += " (" + rejection_detail(*row.current) + ")";
        }
        add(row, FindingKind::NewProgram, s, msg);
        check_policy_alone(row, d);
      } else {
        add(row, FindingKind::RemovedProgram, new_removed,
            std::string("removed (was ") + to_string(row.base->verdict) + ")");
      }
      check_expectations(row, d);
      check_headroom(row, d);
      if (object_changed)
        add(row, FindingKind::ObjectChanged, Severity::INFO,
            "object changed (sha256 " + short_hash(*ob->sha256) + " -> " + short_hash(*oa->sha256) +
                ")");
      r.programs.push_back(std::move(row));
    }
  }
  return r;
}

} // namespace vmtest
