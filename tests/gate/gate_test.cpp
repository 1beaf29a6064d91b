// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "gate/gate.h"
#include "gate/gate_text.h"
#include "support/result_builders.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;
namespace fs = std::filesystem;

namespace {

const Toolchain kTools = sample_toolchain(); // what run_of records

// Baselines recorded from `reference`, one per kernel that gave verdicts.
GateInputs inputs_from(const RunResults& reference, Policy policy = {}) {
  GateInputs in;
  in.policy = std::move(policy);
  for (const auto& k : reference.kernels)
    if (k.status == KernelStatus::Ok)
      in.baselines.emplace(k.name, baseline_from_kernel_result(k, kTools));
  for (const auto& [name, b] : in.baselines)
    in.expected.push_back(name);
  return in;
}

bool has_run_finding(const GateVerdict& v, FindingKind k) {
  return std::any_of(v.findings.begin(), v.findings.end(),
                     [k](const Finding& f) { return f.kind == k; });
}

const ProgramDiff& row(const DiffReport& r, const std::string& prog) {
  for (const auto& p : r.programs)
    if (p.program == prog) return p;
  throw std::runtime_error("no row " + prog);
}

} // namespace

TEST(Gate, ExitCodeFollowsTheWorstSeverityAndFailBeatsError) {
  GateVerdict v;
  finalise(v);
  EXPECT_EQ(v.outcome, Outcome::Clean);
  EXPECT_EQ(v.exit_code, 0);
  v.findings.push_back({FindingKind::NotCompared, Severity::WARN, "w"});
  finalise(v);
  EXPECT_EQ(v.exit_code, 0);
  v.findings.push_back({FindingKind::EmptyCorpus, Severity::ERROR, "e"});
  finalise(v);
  EXPECT_EQ(v.outcome, Outcome::Error);
  EXPECT_EQ(v.exit_code, 2);
  DiffReport k;
  k.kernel = "6.1";
  ProgramDiff p;
  p.findings.push_back({FindingKind::Regression, Severity::FAIL, "f"});
  k.programs.push_back(p);
  v.kernels.push_back(k);
  finalise(v);
  EXPECT_EQ(v.outcome, Outcome::Regression);
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_STREQ(outcome_name(v.outcome), "regression");
}

TEST(Gate, CleanRunAgainstItsOwnBaselines) {
  auto run = run_of(
      {with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10), rejected("q", "x")})})});
  auto v = evaluate_gate(run, inputs_from(run));
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_TRUE(v.compared);
  ASSERT_EQ(v.kernels.size(), 1u);
  EXPECT_TRUE(v.kernels[0].compared);
}

TEST(Gate, BaselinedKernelMissingFromTheResultsIsAnError) {
  auto both = run_of({with(kernel("5.10"), {object("a.bpf.o", "s", {accepted("p", 10)})}),
                      with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10)})})});
  auto only61 = run_of({both.kernels[1]});
  auto v = evaluate_gate(only61, inputs_from(both));
  EXPECT_EQ(v.exit_code, 2);
  const DiffReport* missing = v.find("5.10");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->result, nullptr);
  ASSERT_EQ(missing->kernel_findings.size(), 1u);
  EXPECT_EQ(missing->kernel_findings[0].kind, FindingKind::KernelMissing);
  EXPECT_NE(missing->kernel_findings[0].message.find("has a baseline"), std::string::npos);
}

TEST(Gate, SelectionLimitsWhatIsExpected) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "gate-");
  auto both = run_of({with(kernel("5.10"), {object("a.bpf.o", "s", {accepted("p", 10)})}),
                      with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10)})})});
  for (const auto& k : both.kernels)
    ASSERT_TRUE(
        save_baseline(baseline_path(dir, k.name), baseline_from_kernel_result(k, kTools)).ok());
  auto only61 = run_of({both.kernels[1]});
  GateOptions o;
  o.baselines_dir = dir;
  // A run of the whole matrix expects every baselined kernel...
  auto whole = gate_run(only61, o);
  ASSERT_TRUE(whole.ok()) << whole.error().str();
  EXPECT_EQ(whole->exit_code, 2);
  // ... a run that named its kernels (`run --kernel 6.1`) expects only those ...
  only61.selected = {"6.1"};
  EXPECT_EQ(gate_run(only61, o)->exit_code, 0);
  // ... and `gate --kernel` overrides both.
  o.kernels = {"6.1", "5.10"};
  EXPECT_EQ(gate_run(only61, o)->exit_code, 2);
  fs::remove_all(dir);
}

// A canary row follows the newest kernel: a verdict flip there is news, reported as a
// warning with the row named a canary, unless the policy says `canary: fail`.
TEST(Gate, CanaryRowChangesWarnUnlessThePolicySaysFail) {
  auto before = run_of({with(kernel("6.12-latest"), {object("a.bpf.o", "s", {accepted("p", 10)})})});
  auto after = run_of(
      {with(kernel("6.12-latest"), {object("a.bpf.o", "s", {rejected("p", "R1 invalid mem")})})});
  // As a pinned row: a regression.
  EXPECT_EQ(evaluate_gate(after, inputs_from(before)).exit_code, 1);
  after.kernels[0].canary = true;
  auto v = evaluate_gate(after, inputs_from(before));
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.severity, Severity::WARN);
  const ProgramDiff& p = row(v.kernels[0], "p");
  ASSERT_TRUE(p.has(FindingKind::Regression));
  EXPECT_EQ(p.severity(), Severity::WARN);
  auto canary = std::find_if(v.kernels[0].kernel_findings.begin(),
                             v.kernels[0].kernel_findings.end(),
                             [](const Finding& f) { return f.kind == FindingKind::Canary; });
  ASSERT_NE(canary, v.kernels[0].kernel_findings.end());
  EXPECT_NE(canary->message.find("1 change reported as warnings"), std::string::npos)
      << canary->message;
  const std::string text = render_gate_text(v, GateTextOptions{});
  EXPECT_NE(text.find("(canary)"), std::string::npos) << text;

  Policy fail;
  fail.canary = CanaryPolicy::Fail;
  auto strict = evaluate_gate(after, inputs_from(before, fail));
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_EQ(row(strict.kernels[0], "p").severity(), Severity::FAIL);
}

TEST(Gate, SkippedKernelWarnsAndFailedKernelErrors) {
  auto skipped = kernel("4.18");
  skipped.status = KernelStatus::Skipped;
  skipped.error = "not available here";
  auto ok = with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10)})});
  auto run = run_of({skipped, ok});
  auto v = evaluate_gate(run, inputs_from(run));
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.find("4.18")->severity(), Severity::WARN);

  auto dead = kernel("5.10");
  dead.status = KernelStatus::Timeout;
  run.kernels.push_back(dead);
  v = evaluate_gate(run, inputs_from(run));
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_EQ(v.find("5.10")->kernel_findings.at(0).kind, FindingKind::KernelFailed);
}

TEST(Gate, NoBaselineWarnsAndFailsUnderStrict) {
  auto run = run_of({with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10)})})});
  GateInputs in; // comparing, but no baseline recorded
  auto v = evaluate_gate(run, in);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.find("6.1")->kernel_findings.at(0).kind, FindingKind::NoBaseline);
  in.policy.strict = true;
  EXPECT_EQ(evaluate_gate(run, in).exit_code, 1);
}

TEST(Gate, NotComparedStillJudgesExpectationsObjectsAndKernels) {
  auto p = accepted("p", 10);
  p.test_run.expectation_failed = true;
  p.test_run.expected_retval = 1;
  auto run = run_of({with(kernel("6.1"), {object("a.bpf.o", "s", {p})})});
  GateInputs in;
  in.compare = false;
  in.not_compared_reason = "--no-gate";
  auto v = evaluate_gate(run, in);
  EXPECT_TRUE(has_run_finding(v, FindingKind::NotCompared));
  EXPECT_FALSE(v.compared);
  EXPECT_TRUE(row(v.kernels[0], "p").has(FindingKind::TestRunExpectation));
  EXPECT_EQ(v.exit_code, 1);

  auto broken = object("b.bpf.o", "", {});
  broken.error = "cannot open BPF object: format invalid";
  run.kernels[0].objects = {object("a.bpf.o", "s", {accepted("p", 10)}), broken};
  v = evaluate_gate(run, in);
  EXPECT_EQ(v.exit_code, 2);
}

TEST(Gate, EmptyCorpusIsAnErrorThatSaysWhy) {
  auto run = run_of({kernel("6.1")});
  run.corpus = CorpusInfo{};
  run.corpus->roots = {"build/"};
  run.corpus->files_scanned = 12;
  GateInputs in;
  in.compare = false;
  auto v = evaluate_gate(run, in);
  EXPECT_EQ(v.exit_code, 2);
  ASSERT_TRUE(has_run_finding(v, FindingKind::EmptyCorpus));
  std::string msg;
  for (const auto& f : v.findings)
    if (f.kind == FindingKind::EmptyCorpus) msg = f.message;
  EXPECT_NE(msg.find("no BPF objects in build/"), std::string::npos) << msg;
  EXPECT_NE(msg.find("12 files"), std::string::npos) << msg;

  // Objects that hold nothing loadable are zero programs too.
  run.corpus->total_objects = run.corpus->objects = 1;
  auto broken = object("b.bpf.o", "", {});
  broken.error = "cannot open";
  run.kernels[0].objects = {broken};
  v = evaluate_gate(run, in);
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_TRUE(has_run_finding(v, FindingKind::EmptyCorpus));

  // An empty shard of a non-empty corpus is only a note.
  run.kernels[0].objects.clear();
  run.corpus->objects = 0;
  run.corpus->total_objects = 5;
  run.corpus->shard = "4/4";
  run.kernels[0].status = KernelStatus::Skipped;
  v = evaluate_gate(run, in);
  EXPECT_NE(v.exit_code, 1);
}

TEST(Gate, NoKernelWithVerdictsIsAnError) {
  auto skipped = kernel("4.18");
  skipped.status = KernelStatus::Skipped;
  auto run = run_of({skipped});
  GateInputs in;
  in.compare = false;
  auto v = evaluate_gate(run, in);
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_TRUE(has_run_finding(v, FindingKind::NoKernel));
}

TEST(Gate, CorruptBaselineIsAnErrorNamingTheFile) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "gate-");
  ASSERT_TRUE(write_file_atomic(dir / "6.1.json", "{\"format_version\": 4294967297}").ok());
  auto run = run_of({with(kernel("6.1"), {object("a.bpf.o", "s", {accepted("p", 10)})})});
  GateOptions o;
  o.baselines_dir = dir;
  auto v = gate_run(run, o);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().str().find("6.1.json"), std::string::npos);
  EXPECT_NE(v.error().str().find("format_version"), std::string::npos);
  // A baseline folder given by name must exist.
  o.baselines_dir = dir / "nope";
  o.baselines_explicit = true;
  EXPECT_FALSE(gate_run(run, o).ok());
  o.baselines_explicit = false;
  EXPECT_TRUE(gate_run(run, o).ok());
  fs::remove_all(dir);
}

TEST(Gate, CompareRunsIsDiffWithTheSameExitRule) {
  RunResults a, b;
  auto k61 = kernel("6.1");
  k61.objects.push_back(object("o.bpf.o", "s", {accepted("p", 19)}));
  auto k510 = kernel("5.10");
  a.kernels = {k61, k510};
  auto k61b = k61;
  k61b.objects[0].programs[0] = rejected("p", "unknown func bpf_loop#181");
  b.kernels = {k61b};
  auto v = compare_runs(a, b, Policy{}, Thresholds{});
  ASSERT_EQ(v.kernels.size(), 2u);
  EXPECT_EQ(v.kernels[0].kernel, "5.10");
  EXPECT_EQ(v.kernels[0].kernel_findings[0].kind, FindingKind::KernelMissing);
  EXPECT_EQ(v.kernels[0].severity(), Severity::INFO);
  EXPECT_EQ(v.kernels[1].kernel, "6.1");
  EXPECT_TRUE(row(v.kernels[1], "p").has(FindingKind::Regression));
  EXPECT_EQ(v.exit_code, 1);

  Policy strict;
  strict.strict = true;
  EXPECT_EQ(compare_runs(a, b, strict, Thresholds{}).kernels[0].severity(), Severity::FAIL);
}

TEST(Gate, CompareRunsKeepsTheReferenceResultForInformationalMetrics) {
  RunResults a, b;
  auto ka = kernel("6.1"), kb = kernel("6.1");
  auto pa = accepted("p", 19), pb = accepted("p", 19);
  pa.metrics[Metric::VerificationTimeUs] = 40;
  pb.metrics[Metric::VerificationTimeUs] = 90;
  ka.objects.push_back(object("o.bpf.o", "s", {pa}));
  kb.objects.push_back(object("o.bpf.o", "s", {pb}));
  a.kernels = {ka};
  b.kernels = {kb};
  auto v = compare_runs(a, b, Policy{}, Thresholds{});
  const ProgramDiff& r = row(v.kernels[0], "p");
  ASSERT_NE(r.base_result, nullptr);
  EXPECT_EQ(r.base_result->metrics[Metric::VerificationTimeUs], 40);
  // Informational metrics never make a finding, however much they move.
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(v.exit_code, 0);
}

TEST(Gate, RowSkippedInBothRunsIsNotCompared) {
  RunResults a, b;
  auto k418 = kernel("4.18");
  k418.status = KernelStatus::Skipped;
  a.kernels = {k418};
  b.kernels = {k418};
  auto v = compare_runs(a, b, Policy{}, Thresholds{});
  EXPECT_TRUE(v.kernels.empty());
  EXPECT_EQ(v.exit_code, 0);
}

} // namespace vmtest

namespace vmtest {
using namespace vmtest::testing;

// Headroom needs no baseline and no change: a program near the kernel's limit fails the gate
// on its own, with a message naming the program, the kernel and the fraction.
TEST(GateHeadroom, CrossedThresholdsWarnOrFailAndNameProgramKernelAndFraction) {
  KernelResult k61 = kernel("6.1"), k418 = kernel("4.18");
  k61.objects.push_back(object("big.bpf.o", "s",
                               {with_limits(accepted("near", 600000), 1000000, 64, 2),
                                with_limits(accepted("small", 1000), 1000000, 64, 2)}));
  // The same count is 30% of 6.1's limit but 91.6% of the 131072 RHEL 8.1 prints.
  k418.objects.push_back(
      object("big.bpf.o", "s", {with_limits(accepted("small", 120000), 131072, 64, 2)}));
  RunResults run;
  run.kernels = {k61, k418};
  GateInputs in;
  in.compare = false;
  GateVerdict v = evaluate_gate(run, in);
  EXPECT_EQ(v.exit_code, 1);
  const auto& near = v.find("6.1")->programs;
  auto find = [](const std::vector<ProgramDiff>& rows, const std::string& p) -> const ProgramDiff& {
    for (const auto& r : rows)
      if (r.program == p) return r;
    throw std::runtime_error("no row " + p);
  };
  const ProgramDiff& warn = find(near, "near");
  ASSERT_TRUE(warn.has(FindingKind::Headroom));
  EXPECT_EQ(warn.severity(), Severity::WARN);
  EXPECT_FALSE(find(near, "small").has(FindingKind::Headroom));
  const ProgramDiff& fail = find(v.find("4.18")->programs, "small");
  ASSERT_TRUE(fail.has(FindingKind::Headroom));
  EXPECT_EQ(fail.severity(), Severity::FAIL);
  EXPECT_EQ(fail.findings.back().message,
            "insns 120000 of 131072 (91.6%) reaches the fail threshold 85% (limit: the kernel's "
            "log)");
  // The terminal names the kernel and the program on the same line.
  const std::string text = render_gate_text(v, {});
  EXPECT_NE(text.find("4.18 big.bpf.o/small: insns 120000 of 131072 (91.6%) reaches the fail"),
            std::string::npos)
      << text;
}

TEST(GateHeadroom, PolicyOverridesAndIgnoresCarryTheirReason) {
  KernelResult k = kernel("6.1");
  k.objects.push_back(
      object("big.bpf.o", "s", {with_limits(accepted("near", 900000), 1000000, 480, 2)}));
  RunResults run;
  run.kernels = {k};
  GateInputs in;
  in.compare = false;
  EXPECT_EQ(evaluate_gate(run, in).exit_code, 1); // 90% insns and 93.75% stack
  PolicyRule r;
  r.object_glob = "big.bpf.o";
  r.program_glob = "near";
  r.reason = "sized for 6.1 on purpose";
  r.headroom = HeadroomOverrides{};
  r.headroom->fail_pct[static_cast<size_t>(Fraction::Insns)] = 95;
  r.headroom->fail_pct[static_cast<size_t>(Fraction::Stack)] = 95;
  in.policy.rules.push_back(r);
  GateVerdict v = evaluate_gate(run, in);
  EXPECT_EQ(v.exit_code, 0);
  const ProgramDiff& row = v.find("6.1")->programs.at(0);
  EXPECT_EQ(row.severity(), Severity::WARN);
  EXPECT_EQ(row.policy_reason, "sized for 6.1 on purpose");
  in.policy.rules[0].headroom.reset();
  in.policy.rules[0].ignore_headroom = true;
  EXPECT_FALSE(evaluate_gate(run, in).find("6.1")->programs.at(0).has(FindingKind::Headroom));
}

TEST(GateHeadroom, RejectedProgramsAreJudgedByTheirVerdictNotTheirCounts) {
  KernelResult k = kernel("6.1");
  ProgramResult r = rejected("too_big", "BPF program is too large. Processed 1000001 insn");
  r.metrics[Metric::InsnsProcessed] = 1000001;
  r.metrics[Metric::InsnLimit] = 1000000;
  k.objects.push_back(object("big.bpf.o", "s", {r}));
  RunResults run;
  run.kernels = {k};
  GateInputs in;
  in.compare = false;
  EXPECT_FALSE(evaluate_gate(run, in).find("6.1")->programs.at(0).has(FindingKind::Headroom));
}

// A kernel that stopped early (here a timeout while on c.bpf.o) is judged on what it reached: a
// regression there is a FAIL of its own (exit 1), every baseline program it never reached is
// an ERROR "not verified", and the kernel's own failure stays an ERROR.
TEST(GatePartial, ReachedProgramsAreJudgedAndTheRestAreNotVerified) {
  auto full = run_of({with(kernel("6.1"), {object("a.bpf.o", "sa", {accepted("p", 10)}),
                                           object("b.bpf.o", "sb", {accepted("q", 10)}),
                                           object("c.bpf.o", "sc", {accepted("r", 10)}),
                                           object("d.bpf.o", "sd", {accepted("s", 10)})})});
  const GateInputs in = inputs_from(full);
  auto stopped = full;
  KernelResult& k = stopped.kernels[0];
  k.status = KernelStatus::Timeout;
  k.error = "no exit within 30.0 s; killed after 2 of 4 objects, while running c.bpf.o";
  k.running_object = "c.bpf.o";
  k.objects.resize(2);
  auto v = evaluate_gate(stopped, in);
  EXPECT_EQ(v.exit_code, 2);
  const DiffReport& d = v.kernels.at(0);
  EXPECT_TRUE(d.has_verdicts());
  EXPECT_EQ(row(d, "p").severity(), Severity::OK);
  EXPECT_EQ(row(d, "q").severity(), Severity::OK);
  for (const char* unreached : {"r", "s"}) {
    const ProgramDiff& u = row(d, unreached);
    ASSERT_EQ(u.findings.size(), 1u) << unreached;
    EXPECT_EQ(u.findings[0].kind, FindingKind::NotVerified);
    EXPECT_EQ(u.findings[0].severity, Severity::ERROR);
    EXPECT_EQ(u.findings[0].message, "not verified (kernel timed out at c.bpf.o)");
    EXPECT_FALSE(u.has(FindingKind::RemovedProgram));
  }
  ASSERT_FALSE(d.kernel_findings.empty());
  EXPECT_EQ(d.kernel_findings[0].kind, FindingKind::KernelFailed);
  EXPECT_NE(d.kernel_findings[0].message.find("stopped early: timeout"), std::string::npos);
  EXPECT_FALSE(has_run_finding(v, FindingKind::NoKernel)) << "its programs were verified";

  k.objects[1].programs[0] = rejected("q", "R1 invalid mem access", 13);
  v = evaluate_gate(stopped, in);
  EXPECT_EQ(v.exit_code, 1) << "a regression among the reached programs";
  EXPECT_TRUE(row(v.kernels.at(0), "q").has(FindingKind::Regression));
  const std::string text = render_gate_text(v, {});
  EXPECT_NE(text.find("FAIL  6.1 b.bpf.o/q: accepted -> rejected"), std::string::npos) << text;
  EXPECT_NE(text.find("ERROR 6.1 c.bpf.o/r: not verified (kernel timed out at c.bpf.o)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kernel 6.1   FAIL  timeout  2 programs reached: 1 accepted, 1 rejected"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("on 1 kernel"), std::string::npos) << text;
}

// `vmtest diff` with a second run that stopped early judges what it reached as well.
TEST(GatePartial, DiffJudgesTheReachedProgramsOfAnInterruptedRun) {
  auto a = run_of({with(kernel("6.1"), {object("a.bpf.o", "sa", {accepted("p", 10)}),
                                        object("b.bpf.o", "sb", {accepted("q", 10)})})});
  auto b = a;
  b.kernels[0].status = KernelStatus::Interrupted;
  b.kernels[0].running_object = "b.bpf.o";
  b.kernels[0].objects.resize(1);
  b.kernels[0].objects[0].programs[0] = rejected("p", "boom");
  auto v = compare_runs(a, b, Policy{}, Thresholds{});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_TRUE(row(v.kernels.at(0), "p").has(FindingKind::Regression));
  EXPECT_EQ(row(v.kernels.at(0), "q").findings.at(0).message,
            "not verified (run was interrupted at b.bpf.o)");
}

} // namespace vmtest

