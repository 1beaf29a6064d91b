// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/classify.h"
#include "baseline/expectations.h"
#include "gate/gate.h"
#include "results/manifest.h"
#include "support/result_builders.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace vmtest {
using namespace vmtest::testing;

namespace {

const Toolchain kTools{"clang 14", "1.1.2", "0.1.0"};

struct Fixture {
  KernelResult before = kernel();
  KernelResult after = kernel();
  Policy policy;
  Thresholds thresholds;

  DiffReport run() const {
    const Baseline base = baseline_from_kernel_result(before, kTools);
    return diff_kernel(&base, after, kTools, policy, thresholds);
  }
};

// What the gate makes of one kernel's report: the exit code lives there, not in classify.
int exit_code(const DiffReport& r) {
  GateVerdict v;
  v.kernels.push_back(r);
  finalise(v);
  return v.exit_code;
}

// One object, one program on each side.
Fixture single(ProgramResult a, ProgramResult b) {
  Fixture f;
  f.before.objects.push_back(object("loop.bpf.o", "sha-1", {std::move(a)}));
  f.after.objects.push_back(object("loop.bpf.o", "sha-1", {std::move(b)}));
  return f;
}

const ProgramDiff& row(const DiffReport& r, const std::string& prog) {
  auto it = std::find_if(r.programs.begin(), r.programs.end(),
                         [&](const ProgramDiff& p) { return p.program == prog; });
  if (it == r.programs.end()) throw std::runtime_error("no row " + prog);
  return *it;
}

Policy policy_with(PolicyRule rule) {
  Policy p;
  p.rules.push_back(std::move(rule));
  return p;
}

PolicyRule rule(std::string obj, std::string prog, std::string reason) {
  PolicyRule r;
  r.object_glob = std::move(obj);
  r.program_glob = std::move(prog);
  r.reason = std::move(reason);
  return r;
}

} // namespace

TEST(Classify, UnchangedHasNoFindings) {
  auto r = single(accepted("p", 19), accepted("p", 19)).run();
  ASSERT_EQ(r.programs.size(), 1u);
  EXPECT_TRUE(r.programs[0].findings.empty());
  EXPECT_EQ(r.severity(), Severity::OK);
  EXPECT_EQ(exit_code(r), 0);
}

TEST(Classify, TimingAndAddressNoiseIsNotAChange) {
  auto a = accepted("p", 19);
  auto b = accepted("p", 19);
  a.log_tail.insert(a.log_tail.begin(), "4: (18) r1 = 0xffff8c2a41f6e400");
  b.log_tail.insert(b.log_tail.begin(), "4: (18) r1 = 0xffff9d0012345000");
  b.log_tail[1] = "verification time 977 usec";
  b.metrics[Metric::VerificationTimeUs] = 977;
  b.test_run.duration_ns = 999999;
  auto r = single(a, b).run();
  EXPECT_TRUE(r.programs[0].findings.empty()) << r.programs[0].findings[0].message;
}

TEST(Classify, AcceptedToRejectedIsARegression) {
  auto r = single(accepted("p", 19), rejected("p", "unknown func bpf_loop#181")).run();
  const auto& p = row(r, "p");
  ASSERT_TRUE(p.has(FindingKind::Regression));
  EXPECT_EQ(p.severity(), Severity::FAIL);
  EXPECT_NE(p.findings[0].message.find("bpf_loop"), std::string::npos) << p.findings[0].message;
  EXPECT_NE(p.findings[0].message.find("errno 22"), std::string::npos);
  // Stats and test_run are not compared across a verdict change.
  EXPECT_FALSE(p.has(FindingKind::StatsMoved));
  EXPECT_FALSE(p.has(FindingKind::TestRunChanged));
  EXPECT_EQ(exit_code(r), 1);
}

TEST(Classify, RejectedToAcceptedStillFails) {
  auto r = single(rejected("p", "invalid func unknown#181"), accepted("p", 31)).run();
  const auto& p = row(r, "p");
  ASSERT_TRUE(p.has(FindingKind::Improved));
  EXPECT_EQ(p.severity(), Severity::FAIL);
  EXPECT_EQ(exit_code(r), 1);
}

TEST(Classify, ExpectedFailIsOkAndShowsReason) {
  auto f =
      single(rejected("p", "invalid func unknown#181"), rejected("p", "invalid func unknown#181"));
  auto ru = rule("loop.bpf.o", "p", "bpf_loop arrived in 5.17");
  ru.expected_to_fail = true;
  f.policy = policy_with(ru);
  auto r = f.run();
  const auto& p = row(r, "p");
  ASSERT_TRUE(p.has(FindingKind::ExpectedFail));
  EXPECT_EQ(p.severity(), Severity::OK);
  EXPECT_EQ(p.policy_reason, "bpf_loop arrived in 5.17");
  EXPECT_EQ(exit_code(r), 0);

  // Expected to fail overrides an acceptance regression against the baseline too.
  f.before = kernel();
  f.before.objects.push_back(object("loop.bpf.o", "sha-1", {accepted("p", 19)}));
  auto r2 = f.run();
  EXPECT_TRUE(row(r2, "p").has(FindingKind::ExpectedFail));
  EXPECT_FALSE(row(r2, "p").has(FindingKind::Regression));
  EXPECT_EQ(row(r2, "p").severity(), Severity::INFO); // only the log tail note remains
  EXPECT_EQ(exit_code(r2), 0);
}

TEST(Classify, ExpectedFailThatLoadsIsReported) {
  auto f = single(accepted("p", 19), accepted("p", 19));
  auto ru = rule("*", "p", "old kernels lack bpf_loop");
  ru.expected_to_fail = true;
  f.policy = policy_with(ru);
  const auto r = f.run();
  const auto& p = row(r, "p");
  ASSERT_TRUE(p.has(FindingKind::UnexpectedPass));
  EXPECT_EQ(p.severity(), Severity::FAIL);
  EXPECT_NE(p.findings[0].message.find("old kernels lack bpf_loop"), std::string::npos);
}

TEST(Classify, ErrnoChangeWhileStillRejectedWarns) {
  auto r = single(rejected("p", "R1 invalid mem access 'scalar'", 13),
                  rejected("p", "R1 invalid mem access 'scalar'", 22))
               .run();
  const auto& p = row(r, "p");
  ASSERT_TRUE(p.has(FindingKind::ErrnoChanged));
  EXPECT_EQ(p.severity(), Severity::WARN);
}

TEST(Classify, TestRunRetvalOrDataChangeFails) {
  auto b = accepted("p", 19);
  b.test_run.retval = 1;
  auto r = single(accepted("p", 19), b).run();
  ASSERT_TRUE(row(r, "p").has(FindingKind::TestRunChanged));
  EXPECT_EQ(row(r, "p").severity(), Severity::FAIL);
  EXPECT_NE(row(r, "p").findings[0].message.find("retval 2 -> 1"), std::string::npos);

  auto c = accepted("p", 19);
  c.test_run.data_out_hex = "00112234";
  r = single(accepted("p", 19), c).run();
  ASSERT_TRUE(row(r, "p").has(FindingKind::TestRunChanged));
  EXPECT_NE(row(r, "p").findings[0].message.find("data_out"), std::string::npos);

  auto d = accepted("p", 19);
  d.test_run = TestRunResult{};
  d.test_run.status = TestRunStatus::NotRunnable;
  r = single(accepted("p", 19), d).run();
  EXPECT_NE(row(r, "p").findings[0].message.find("status ok -> not_runnable"), std::string::npos);
}

TEST(Classify, StatsMustExceedPercentAndAbsolute) {
  // Defaults: 10% and 100 insns.
  auto r = single(accepted("p", 1000), accepted("p", 1200)).run(); // +200, +20%
  const auto& p = row(r, "p");
  ASSERT_TRUE(p.has(FindingKind::StatsMoved));
  EXPECT_EQ(p.severity(), Severity::WARN); // the log tail change is INFO; stats WARN
  EXPECT_NE(p.findings[0].message.find("insns 1000 -> 1200 (+200, +20.0%)"), std::string::npos)
      << p.findings[0].message;

  // Big percentage, tiny absolute move: noise.
  EXPECT_FALSE(
      row(single(accepted("p", 10), accepted("p", 30)).run(), "p").has(FindingKind::StatsMoved));
  // Big absolute move, tiny percentage: noise.
  EXPECT_FALSE(row(single(accepted("p", 900000), accepted("p", 905000)).run(), "p")
                   .has(FindingKind::StatsMoved));
  // Shrinking counts past both thresholds are reported too.
  EXPECT_TRUE(row(single(accepted("p", 1200), accepted("p", 1000)).run(), "p")
                  .has(FindingKind::StatsMoved));
  // States use their own thresholds (10%, 10 states).
  EXPECT_TRUE(row(single(accepted("p", 500, 100), accepted("p", 500, 150)).run(), "p")
                  .has(FindingKind::StatsMoved));
  EXPECT_FALSE(row(single(accepted("p", 500, 10), accepted("p", 500, 15)).run(), "p")
                   .has(FindingKind::StatsMoved));
}

// The gate and the guest's choice of full logs ask the one change test (results/
// change_thresholds.h), so whatever the gate reports as moved has its full log. Peak states
// alone once gave a finding without one: the guest's own copy of the test knew insns and total
// states only.
TEST(Classify, PeakStatesAloneIsAFindingAndKeepsItsFullLog) {
  ProgramResult now = accepted("p", 500, 100);
  now.metrics[Metric::PeakStates] = 150; // +50 (+50%), past the states group's 10% and 10
  Fixture f = single(accepted("p", 500, 100), now);
  const DiffReport r = f.run();
  const ProgramDiff& d = row(r, "p");
  ASSERT_TRUE(d.has(FindingKind::StatsMoved));
  EXPECT_EQ(d.findings[0].message, "peak states 100 -> 150 (+50, +50.0%)");

  // The guest's side, as a run feeds it: the baseline's expectations and the gate's thresholds
  // through the manifest (cli/cmd_run.cpp plan_full_logs), then the selection the agent calls.
  FullLogPlan plan;
  plan.baselines["6.1"] = expectations_of(baseline_from_kernel_result(f.before, kTools));
  plan.change = change_thresholds(f.thresholds);
  plan = nlohmann::json(plan).get<FullLogPlan>();
  const ProgramExpectation& base = plan.baselines.at("6.1").at("loop.bpf.o/p");
  EXPECT_EQ(full_log_reason(now, &base, plan.change, plan.headroom, false),
            FullLogReason::StatsMoved);

  // Wider states thresholds silence both, together.
  f.thresholds.change[ThresholdGroup::States] = {60, 10};
  const DiffReport quiet = f.run();
  EXPECT_FALSE(row(quiet, "p").has(FindingKind::StatsMoved));
  EXPECT_EQ(full_log_reason(now, &base, change_thresholds(f.thresholds), plan.headroom, false),
            FullLogReason::None);
}

TEST(Classify, StatsFailWhenPolicySaysSo) {
  auto f = single(accepted("p", 1000), accepted("p", 1200));
  f.thresholds.fail_on_stats = true;
  EXPECT_EQ(row(f.run(), "p").severity(), Severity::FAIL);

  // A per-program override: wider thresholds, with the reason shown.
  f.thresholds.fail_on_stats = false;
  PolicyRule ru = rule("loop.bpf.o", "p", "unrolled parser");
  ru.thresholds = ThresholdOverrides{};
  ru.thresholds->change[ThresholdGroup::Insns].pct = 50;
  f.policy = policy_with(ru);
  EXPECT_FALSE(row(f.run(), "p").has(FindingKind::StatsMoved));
  ru.thresholds->change[ThresholdGroup::Insns].pct = 5;
  ru.thresholds->fail_on_stats = true;
  f.policy = policy_with(ru);
  auto r = f.run();
  EXPECT_EQ(row(r, "p").severity(), Severity::FAIL);
  EXPECT_EQ(row(r, "p").policy_reason, "unrolled parser");
}

TEST(Classify, LogTailChangeIsInfoWithUnifiedDiff) {
  auto a = rejected("p", "R1 invalid mem access 'scalar'");
  auto b = rejected("p", "R1 invalid mem access 'inv'");
  auto r = single(a, b).run();
  const auto& p = row(r, "p");
  ASSERT_TRUE(p.has(FindingKind::LogChanged));
  EXPECT_EQ(p.severity(), Severity::INFO);
  EXPECT_EQ(exit_code(r), 0);
  ASSERT_FALSE(p.log_diff.empty());
  EXPECT_EQ(p.log_diff[0].rfind("@@ -", 0), 0u) << p.log_diff[0];
  EXPECT_NE(std::find(p.log_diff.begin(), p.log_diff.end(), "-R1 invalid mem access 'scalar'"),
            p.log_diff.end());
  EXPECT_NE(std::find(p.log_diff.begin(), p.log_diff.end(), "+R1 invalid mem access 'inv'"),
            p.log_diff.end());
  EXPECT_NE(std::find(p.log_diff.begin(), p.log_diff.end(), " 5: (85) call bpf_loop#181"),
            p.log_diff.end());
}

TEST(Classify, NewAndRemovedProgramsInfoUnlessStrict) {
  Fixture f;
  f.before.objects.push_back(object("o.bpf.o", "s", {accepted("gone", 10), accepted("kept", 10)}));
  f.after.objects.push_back(object("o.bpf.o", "s", {accepted("kept", 10), accepted("fresh", 12)}));
  auto r = f.run();
  EXPECT_TRUE(row(r, "gone").has(FindingKind::RemovedProgram));
  EXPECT_EQ(row(r, "gone").severity(), Severity::INFO);
  EXPECT_TRUE(row(r, "fresh").has(FindingKind::NewProgram));
  EXPECT_EQ(row(r, "fresh").severity(), Severity::INFO);
  EXPECT_EQ(exit_code(r), 0);

  f.policy.strict = true;
  r = f.run();
  EXPECT_EQ(row(r, "gone").severity(), Severity::FAIL);
  EXPECT_EQ(row(r, "fresh").severity(), Severity::FAIL);
  EXPECT_EQ(exit_code(r), 1);
}

TEST(Classify, NewRejectedProgramWarns) {
  Fixture f;
  f.before.objects.push_back(object("o.bpf.o", "s", {}));
  f.after.objects.push_back(
      object("o.bpf.o", "s", {rejected("fresh", "unknown func bpf_loop#181")}));
  EXPECT_EQ(row(f.run(), "fresh").severity(), Severity::WARN);
}

TEST(Classify, ObjectChangeFlaggedOnEveryRow) {
  Fixture f;
  f.before.objects.push_back(object("o.bpf.o", "sha-old", {accepted("a", 10), accepted("b", 10)}));
  f.before.objects.push_back(object("other.bpf.o", "same", {accepted("c", 10)}));
  f.after.objects.push_back(object("o.bpf.o", "sha-new", {accepted("a", 10), accepted("b", 10)}));
  f.after.objects.push_back(object("other.bpf.o", "same", {accepted("c", 10)}));
  auto r = f.run();
  for (const char* name : {"a", "b"}) {
    EXPECT_TRUE(row(r, name).object_changed) << name;
    EXPECT_TRUE(row(r, name).has(FindingKind::ObjectChanged)) << name;
  }
  EXPECT_FALSE(row(r, "c").object_changed);
  EXPECT_TRUE(row(r, "c").findings.empty());
  EXPECT_EQ(exit_code(r), 0);
}

TEST(Classify, ObjectThatNoLongerOpensFails) {
  Fixture f;
  f.before.objects.push_back(object("o.bpf.o", "s", {accepted("a", 10)}));
  auto broken = object("o.bpf.o", "s", {});
  broken.error = "libbpf: failed to find BTF for extern 'bpf_loop'";
  f.after.objects.push_back(broken);
  auto r = f.run();
  EXPECT_TRUE(row(r, "*").has(FindingKind::ObjectError));
  EXPECT_EQ(row(r, "*").severity(), Severity::ERROR);
  // An object that cannot be opened is an input error (2), with or without a baseline.
  EXPECT_EQ(exit_code(r), 2);
}

TEST(Classify, KernelBuildChangeIsAFindingOfItsOwn) {
  auto f = single(accepted("p", 19), accepted("p", 19));
  f.after.image_sha256 = "ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00";
  f.after.image = "oci quay.io/lvh-images/kernel-images:6.1-main";
  f.after.kernel_release = "6.1.0-38-cloud-amd64";
  auto r = f.run();
  ASSERT_EQ(r.kernel_findings.size(), 1u);
  EXPECT_EQ(r.kernel_findings[0].kind, FindingKind::KernelChanged);
  // Another build of the row (another source, say) is compared, never silently: it warns.
  EXPECT_EQ(r.kernel_findings[0].severity, Severity::WARN);
  const auto& msg = r.kernel_findings[0].message;
  EXPECT_NE(msg.find("6.1.0-37-cloud-amd64 -> 6.1.0-38-cloud-amd64"), std::string::npos) << msg;
  EXPECT_NE(msg.find("aa11bb22cc33 (linux-image-6.1.0-37-cloud-amd64) -> ff00ff00ff00 (oci "),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("re-record the baseline on this build deliberately"), std::string::npos);
  EXPECT_EQ(exit_code(r), 0);
  // Under --strict it fails.
  f.policy.strict = true;
  EXPECT_EQ(f.run().kernel_findings[0].severity, Severity::FAIL);
  EXPECT_EQ(exit_code(f.run()), 1);
}

TEST(Classify, LibbpfChangeIsAFindingOfItsOwn) {
  auto f = single(accepted("p", 19), accepted("p", 19));
  const Baseline base = baseline_from_kernel_result(f.before, kTools);
  const Toolchain newer{"clang 14", "1.4.6", "0.1.0"};
  auto r = diff_kernel(&base, f.after, newer, f.policy, f.thresholds);
  ASSERT_EQ(r.kernel_findings.size(), 1u);
  EXPECT_EQ(r.kernel_findings[0].kind, FindingKind::ToolchainChanged);
  EXPECT_EQ(r.kernel_findings[0].severity, Severity::WARN);
  EXPECT_NE(r.kernel_findings[0].message.find("libbpf 1.1.2 -> 1.4.6"), std::string::npos);
}

TEST(Classify, KernelWithoutVerdictsIsInfrastructure) {
  auto f = single(accepted("p", 19), accepted("p", 19));
  f.after.status = KernelStatus::BootFailed;
  f.after.error = "no console output within 10s";
  f.after.objects.clear(); // it stopped before its first verdict
  auto r = f.run();
  ASSERT_EQ(r.kernel_findings.size(), 1u);
  EXPECT_EQ(r.kernel_findings[0].kind, FindingKind::KernelFailed);
  EXPECT_EQ(r.kernel_findings[0].severity, Severity::ERROR);
  EXPECT_NE(r.kernel_findings[0].message.find("boot_failed (no console output within 10s)"),
            std::string::npos);
  EXPECT_TRUE(r.programs.empty());
  EXPECT_EQ(exit_code(r), 2);
  // A real regression elsewhere outranks an infrastructure failure.
  auto bad = single(accepted("p", 19), rejected("p", "x")).run();
  GateVerdict both;
  both.kernels = {r, bad};
  finalise(both);
  EXPECT_EQ(both.exit_code, 1);
}

TEST(Classify, IgnoreRulesSilenceButShowReason) {
  auto f = single(accepted("p", 1000), rejected("p", "boom"));
  auto ru = rule("loop.bpf.o", "*", "tracked in #42");
  ru.ignore_all = true;
  f.policy = policy_with(ru);
  auto r = f.run();
  EXPECT_TRUE(row(r, "p").has(FindingKind::Ignored));
  EXPECT_EQ(row(r, "p").severity(), Severity::OK);
  EXPECT_EQ(row(r, "p").policy_reason, "tracked in #42");
  EXPECT_EQ(exit_code(r), 0);

  // Partial ignore: stats and log only; an acceptance change still fails.
  ru.ignore_all = false;
  ru.ignore_stats = ru.ignore_log_tail = true;
  f.policy = policy_with(ru);
  auto g = single(accepted("p", 1000), accepted("p", 5000));
  g.policy = f.policy;
  EXPECT_TRUE(g.run().programs[0].findings.empty());
  EXPECT_EQ(exit_code(f.run()), 1);
}

TEST(Classify, ReportOrderIndependentOfInputOrder) {
  Fixture f;
  f.before.objects.push_back(object("b.bpf.o", "s", {accepted("z", 10), accepted("y", 10)}));
  f.before.objects.push_back(object("a.bpf.o", "s", {accepted("x", 10)}));
  f.after = f.before;
  std::reverse(f.after.objects.begin(), f.after.objects.end());
  auto r = f.run();
  std::vector<std::string> order;
  for (const auto& p : r.programs)
    order.push_back(p.object + "/" + p.program);
  EXPECT_EQ(order, (std::vector<std::string>{"a.bpf.o/x", "b.bpf.o/y", "b.bpf.o/z"}));
}

TEST(Classify, LineDiffOfEqualInputsIsEmpty) {
  EXPECT_TRUE(line_diff({"a", "b"}, {"a", "b"}).empty());
  EXPECT_FALSE(line_diff({}, {"a"}).empty());
}

} // namespace vmtest

namespace vmtest {

TEST(Classify, CapabilityChangesAreInfoAndNeverGate) {
  KernelResult cur;
  cur.name = "6.1";
  cur.capabilities = nlohmann::json::parse(
      R"({"program_types": {"have_xdp_prog_type": true},
          "helpers": {"xdp_available_helpers": ["bpf_map_lookup_elem", "bpf_loop"]}})");
  Baseline base = baseline_from_kernel_result(cur, Toolchain{});
  ASSERT_FALSE(base.capabilities.empty());
  // The baseline kernel lacked bpf_loop.
  cur.capabilities["helpers"]["xdp_available_helpers"] = {"bpf_map_lookup_elem"};
  Baseline older = baseline_from_kernel_result(cur, Toolchain{});
  cur.capabilities = nlohmann::json::parse(
      R"({"program_types": {"have_xdp_prog_type": true},
          "helpers": {"xdp_available_helpers": ["bpf_map_lookup_elem", "bpf_loop"]}})");
  auto r = diff_kernel(&older, cur, Toolchain{}, Policy{}, Thresholds{});
  bool found = false;
  for (const auto& f : r.kernel_findings)
    if (f.kind == FindingKind::CapabilityChanged) {
      found = true;
      EXPECT_EQ(f.severity, Severity::INFO);
      EXPECT_NE(f.message.find("bpf_loop"), std::string::npos) << f.message;
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(exit_code(r), 0);
  // The compact form survives a round trip through the file format.
  auto parsed = parse_baseline(serialise_baseline(base), "mem");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  EXPECT_EQ(parsed->capabilities, base.capabilities);
}

} // namespace vmtest
