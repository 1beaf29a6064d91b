// SPDX-License-Identifier: BSD-2-Clause
// The `vmtest run` use case end to end through fake stages: corpus, kernel selection, the one
// gate resolution that feeds both the guests' full-log plan and the verdict, results.json and
// the report. No VM boots.
#include "app/run.h"
#include "agent/program_loader.h"
#include "app_fixtures.h"
#include "baseline/expectations.h"

#include <fstream>
#include <gtest/gtest.h>
#include <cstdio>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace vmtest::testing;

namespace {

class RunUseCase : public AppProject {};

bool names_row(const std::string& cmdline, const std::string& row) {
  return cmdline.find(std::string(kRowArg) + row) != std::string::npos;
}

} // namespace

TEST_F(RunUseCase, RegressionAgainstTheBaselineExitsOneAndWritesResultsAndReport) {
  save_baseline_of(gate_.baselines_dir,
                   kernel_with("6.1", {program("prog", Verdict::Accepted, 100)}));
  save_baseline_of(gate_.baselines_dir,
                   kernel_with("5.10", {program("prog", Verdict::Accepted, 100)}));
  stages_.verdicts["6.1"] = Verdict::Rejected;
  auto ctx = context();
  auto v = run_and_gate(req_, gate_, OutputArgs{}, ctx, env_of({}));
  ASSERT_TRUE(v.ok()) << v.error().str();
  EXPECT_EQ(v->delivery.verdict.exit_code, 1);
  EXPECT_TRUE(v->delivery.verdict.compared);
  EXPECT_EQ(stages_.booted, (std::vector<std::string>{"5.10", "6.1"}));
  EXPECT_TRUE(fs::exists(req_.opts.out_dir / "results.json"));
  // The HTML report is written next to results.json unless another path is asked for.
  EXPECT_EQ(v->delivery.written, std::vector<fs::path>{req_.opts.out_dir / "report.html"});
  EXPECT_TRUE(fs::exists(req_.opts.out_dir / "report.html"));
  EXPECT_EQ(said_,
            std::vector<std::string>{"wrote " + (req_.opts.out_dir / "results.json").string()});
  EXPECT_TRUE(progress_.finished);
  // The guests got the baselines the gate judges by: each is told its row.
  EXPECT_TRUE(names_row(stages_.cmdlines["6.1"], "6.1"));
  ASSERT_EQ(req_.opts.full_logs.baselines.count("6.1"), 1u);
  EXPECT_EQ(req_.opts.full_logs.baselines["6.1"].at("a.bpf.o/prog").verdict, Verdict::Accepted);
}

TEST_F(RunUseCase, GatingTheWrittenResultsGivesTheRunsVerdict) {
  save_baseline_of(gate_.baselines_dir,
                   kernel_with("6.1", {program("prog", Verdict::Accepted, 100)}));
  stages_.verdicts["6.1"] = Verdict::Rejected;
  auto ctx = context();
  auto v = run_and_gate(req_, gate_, OutputArgs{}, ctx, env_of({}));
  ASSERT_TRUE(v.ok()) << v.error().str();
  auto text = read_file(req_.opts.out_dir / "results.json");
  ASSERT_TRUE(text.ok());
  auto written = parse_results(*text, "results.json");
  ASSERT_TRUE(written.ok()) << written.error().str();
  // `vmtest gate` on the run's own results.json: the same inputs, so the same verdict.
  const GateVerdict again = judge_results(*written, gate_, OutputArgs{}, env_of({})).verdict;
  EXPECT_EQ(again.exit_code, v->delivery.verdict.exit_code);
  EXPECT_EQ(again.findings.size(), v->delivery.verdict.findings.size());
  EXPECT_EQ(again.kernels.size(), v->delivery.verdict.kernels.size());
}

TEST_F(RunUseCase, AnotherCorpusIsNotComparedAndItsGuestsGetNoBaselines) {
  save_baseline_of(gate_.baselines_dir,
                   kernel_with("6.1", {program("prog", Verdict::Accepted, 100)}));
  stages_.verdicts["6.1"] = Verdict::Rejected;
  req_.corpus_bundled = false;
  auto ctx = context();
  auto v = run_and_gate(req_, gate_, OutputArgs{}, ctx, env_of({}));
  ASSERT_TRUE(v.ok()) << v.error().str();
  EXPECT_FALSE(v->delivery.verdict.compared);
  EXPECT_EQ(v->delivery.verdict.exit_code, 0);
  ASSERT_FALSE(v->delivery.verdict.findings.empty());
  EXPECT_EQ(v->delivery.verdict.findings[0].kind, FindingKind::NotCompared);
  EXPECT_NE(v->delivery.verdict.findings[0].message.find("not the project's own"),
            std::string::npos);
  EXPECT_FALSE(names_row(stages_.cmdlines["6.1"], "6.1"));
  EXPECT_TRUE(req_.opts.full_logs.baselines.empty());
  // Named baselines are compared whatever the corpus.
  gate_.baselines_explicit = true;
  auto named = run_and_gate(req_, gate_, OutputArgs{}, ctx, env_of({}));
  ASSERT_TRUE(named.ok()) << named.error().str();
  EXPECT_EQ(named->delivery.verdict.exit_code, 1);
}

TEST_F(RunUseCase, NoGateStillJudgesTheRunWithoutBaselines) {
  save_baseline_of(gate_.baselines_dir,
                   kernel_with("6.1", {program("prog", Verdict::Accepted, 100)}));
  stages_.verdicts["6.1"] = Verdict::Rejected;
  gate_.no_gate = true;
  auto ctx = context();
  auto v = run_and_gate(req_, gate_, OutputArgs{}, ctx, env_of({}));
  ASSERT_TRUE(v.ok()) << v.error().str();
  EXPECT_EQ(v->delivery.verdict.exit_code, 0);
  EXPECT_EQ(v->delivery.verdict.findings.at(0).message, "not compared with baselines: --no-gate");
}

TEST_F(RunUseCase, UnreadableBaselineRunsAnywayAndIsAnError) {
  ASSERT_TRUE(write_file_atomic(gate_.baselines_dir / "6.1.json", "{not json").ok());
  auto ctx = context();
  auto v = run_and_gate(req_, gate_, OutputArgs{}, ctx, env_of({}));
  ASSERT_TRUE(v.ok()) << v.error().str();
  EXPECT_EQ(stages_.booted.size(), 2u);
  const GateVerdict& g = v->delivery.verdict;
  EXPECT_EQ(g.exit_code, 2);
  ASSERT_GE(g.findings.size(), 2u);
  EXPECT_EQ(g.findings[0].kind, FindingKind::BadInput);
  EXPECT_NE(g.findings[0].message.find("6.1.json"), std::string::npos);
  EXPECT_EQ(g.findings[1].kind, FindingKind::NotCompared);
  // The guests were planned from the same fallback: no baselines to select by.
  EXPECT_TRUE(req_.opts.full_logs.baselines.empty());
}

TEST_F(RunUseCase, EmptyCorpusBootsNothingAndIsAnError) {
  fs::remove(dir_ / "corpus" / "a.bpf.o");
  matrix_.defaults = {"6.1"}; // fewer than the rows: the selection is recorded
  save_baseline_of(gate_.baselines_dir,
                   kernel_with("5.10", {program("prog", Verdict::Accepted, 100)}));
  auto ctx = context();
  auto v = run_and_gate(req_, gate_, OutputArgs{}, ctx, env_of({}));
  ASSERT_TRUE(v.ok()) << v.error().str();
  EXPECT_TRUE(stages_.booted.empty());
  const RunResults& r = v->run.results;
  ASSERT_EQ(r.kernels.size(), 1u);
  EXPECT_EQ(r.kernels[0].status, KernelStatus::Skipped);
  EXPECT_EQ(r.kernels[0].error, "not booted: the corpus holds no BPF objects");
  // Recorded as a booting run records it, so the baselined 5.10 is not "missing".
  EXPECT_EQ(r.selected, std::vector<std::string>{"6.1"});
  EXPECT_EQ(v->delivery.verdict.exit_code, 2);
  EXPECT_TRUE(has_finding(v->delivery.verdict, FindingKind::EmptyCorpus, Severity::ERROR));
  EXPECT_FALSE(has_finding(v->delivery.verdict, FindingKind::KernelMissing, Severity::ERROR));
}

TEST_F(RunUseCase, UsageErrorsAreErrorsAndBootNothing) {
  auto ctx = context();
  {
    RunRequest a = req_;
    a.corpus.clear();
    auto r = execute_run(a, ctx);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().str().find("no corpus: pass --corpus DIR"), std::string::npos);
  }
  {
    RunRequest a = req_;
    a.opts.agent = dir_ / "no-agent";
    auto r = execute_run(a, ctx);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().str().find("guest agent not found at"), std::string::npos);
  }
  {
    RunRequest a = req_;
    a.shard = "3/2";
    EXPECT_FALSE(execute_run(a, ctx).ok());
  }
  {
    RunRequest a = req_;
    a.no_capabilities = false;
    a.bpftool = dir_ / "no-bpftool";
    auto r = execute_run(a, ctx);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().str(), "bpftool not found at " + (dir_ / "no-bpftool").string());
  }
  {
    RunRequest a = req_;
    a.opts.kernels = {"5.4"};
    auto r = execute_run(a, ctx);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().str().find("unknown kernel '5.4'; choose from: 5.10, 6.1, host"),
              std::string::npos);
  }
  EXPECT_TRUE(stages_.booted.empty());
  EXPECT_FALSE(fs::exists(req_.opts.out_dir / "results.json"));
}

TEST_F(RunUseCase, ShardAndCorpusAreRecordedInTheResults) {
  req_.shard = "1/1";
  auto ctx = context();
  auto r = execute_run(req_, ctx);
  ASSERT_TRUE(r.ok()) << r.error().str();
  ASSERT_TRUE(r->results.corpus.has_value());
  EXPECT_EQ(r->results.corpus->shard, "1/1");
  EXPECT_EQ(r->results.corpus->objects, 1);
  EXPECT_GT(r->results.corpus->programs, 0);
  EXPECT_TRUE(r->results.corpus->bundled);
  // The whole matrix was the default: nothing recorded, every baselined kernel is expected.
  EXPECT_TRUE(r->results.selected.empty());
  EXPECT_FALSE(r->results.toolchain.vmtest.empty());
  EXPECT_NE(progress_.lines.at(0).find("corpus: 1 objects with"), std::string::npos);
}

TEST(FullLogPlan, ComesFromTheGatesInputs) {
  GateInputs in;
  in.thresholds.fail_on_stats = true;
  in.thresholds.headroom.levels[0] = {33, 44};
  KernelResult k = kernel_with("6.1", {program("prog", Verdict::Accepted, 100)});
  in.baselines.emplace("6.1", baseline_from_kernel_result(k, {"clang", "1.4", "dev"}));
  in.thresholds.change[ThresholdGroup::Insns].abs = 7;
  FullLogPlan plan;
  plan_full_logs(in, plan);
  EXPECT_EQ(plan.change, change_thresholds(in.thresholds));
  EXPECT_NE(plan.change, FullLogPlan{}.change);
  EXPECT_EQ(plan.headroom, in.thresholds.headroom);
  ASSERT_EQ(plan.baselines.count("6.1"), 1u);
  EXPECT_EQ(plan.baselines["6.1"].at("a.bpf.o/prog").metrics[Metric::InsnsProcessed], 100);
  // Not compared: only headroom selects programs.
  FullLogPlan bare;
  in.compare = false;
  plan_full_logs(in, bare);
  EXPECT_TRUE(bare.baselines.empty());
  EXPECT_EQ(bare.headroom, in.thresholds.headroom);
  EXPECT_EQ(bare.change, FullLogPlan{}.change);
}

namespace {
// Bytes this process has read through read() and friends so far (/proc/self/io's rchar).
uint64_t bytes_read_so_far() {
  std::ifstream io("/proc/self/io");
  std::string key;
  uint64_t value = 0;
  while (io >> key >> value)
    if (key == "rchar:") return value;
  return 0;
}
} // namespace

// The run's first line counts what the agent will verify: each program once per preset, none
// of an object the host could not read. It opens the objects and nothing else: the agent's
// listing also parses the running kernel's BTF (megabytes) to guess missing attach targets,
// which the count does not need. The fentry fixture is the one that made it do so. The count
// runs in a freshly executed copy of this test (gtest's "threadsafe" death-test style re-runs
// the binary), so no earlier test can have parsed, and kept, that BTF already.
TEST(CountProgramsDeathTest, CountsWhatTheAgentListsWithoutReadingTheKernelsBtf) {
  const std::string dir = VMTEST_BINARY_DIR "/tests/bpf/";
  std::vector<CorpusObject> objects(4);
  objects[0].path = dir + "attach_targets_fixture.bpf.o";
  objects[1].path = dir + "agent_fixture.bpf.o";
  objects[2].path = dir + "preset_fixture.bpf.o";
  objects[2].presets = {Preset{"a", {}}, Preset{"b", {}}};
  objects[3].path = dir + "agent_fixture.bpf.o";
  objects[3].error = "unreadable";
  uintmax_t limit = 64u << 10; // libbpf's own small reads
  for (const auto& o : objects)
    if (o.error.empty()) limit += 2 * fs::file_size(o.path);
  std::error_code ec;
  if (fs::exists("/sys/kernel/btf/vmlinux", ec))
    limit = std::min<uintmax_t>(limit, fs::file_size("/sys/kernel/btf/vmlinux", ec));

  ::testing::GTEST_FLAG(death_test_style) = "threadsafe";
  EXPECT_EXIT(
      {
        const uint64_t before = bytes_read_so_far();
        const int64_t n = count_programs(objects);
        const uint64_t read = bytes_read_so_far() - before;
        std::fprintf(stderr, "counted %lld programs, read %llu bytes (limit %llu)\n",
                     static_cast<long long>(n), static_cast<unsigned long long>(read),
                     static_cast<unsigned long long>(limit));
        ::_exit(read < limit ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "counted");

  int64_t expected = 0;
  for (const auto& o : objects) {
    if (!o.error.empty()) continue;
    const auto listing = list_programs(o.path.string());
    ASSERT_TRUE(listing.error.empty()) << listing.error;
    ASSERT_FALSE(listing.programs.empty()) << o.path;
    expected +=
        static_cast<int64_t>(listing.programs.size() * std::max<size_t>(1, o.presets.size()));
  }
  EXPECT_EQ(count_programs(objects), expected);
}

} // namespace vmtest
