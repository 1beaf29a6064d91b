// SPDX-License-Identifier: BSD-2-Clause
// These tests load real programs into the running kernel, so they need root (CAP_BPF); they
// boot nothing and run in a few milliseconds.
#include "agent/agent.h"
#include "agent/features.h"
#include "agent/program_loader.h"
#include "agent/test_runner.h"
#include "test_paths.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <unistd.h>

namespace vmtest {

static const std::string kFixture = VMTEST_BINARY_DIR "/tests/bpf/agent_fixture.bpf.o";

static std::string joined_tail(const ProgramResult& r) {
  std::string s;
  for (const auto& l : r.log_tail)
    s += l + "\n";
  return s;
}

class LoaderTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to call bpf()";
    features_ = probe_features();
  }
  ProgramResult load(const std::string& prog, LoadOptions opts) {
    auto listing = list_programs(kFixture);
    EXPECT_TRUE(listing.error.empty()) << listing.error;
    for (const auto& p : listing.programs)
      if (p.name == prog) {
        ProgramResult r;
        load_program(kFixture, p, opts, r);
        return r;
      }
    ADD_FAILURE() << "no program " << prog;
    return {};
  }
  AgentFeatures features_;
};

TEST_F(LoaderTest, ListsProgramsWithTypes) {
  auto listing = list_programs(kFixture);
  ASSERT_EQ(listing.programs.size(), 3u);
  EXPECT_EQ(listing.programs[0].name, "xdp_ok");
  EXPECT_EQ(listing.programs[0].prog_type, "xdp");
  EXPECT_EQ(listing.programs[2].prog_type, "kprobe");
}

TEST_F(LoaderTest, ListingRecordsTheHelpersEachProgramCalls) {
  auto listing = list_programs(kFixture);
  ASSERT_EQ(listing.programs.size(), 3u);
  EXPECT_EQ(listing.programs[0].helper_ids, std::vector<int32_t>{1}); // bpf_map_lookup_elem
  EXPECT_TRUE(listing.programs[1].helper_ids.empty());
}

TEST_F(LoaderTest, AcceptedProgramHasStatsAndSizes) {
  LoadOptions o;
  o.log_stats = features_.log_stats;
  auto r = load("xdp_ok", o);
  EXPECT_EQ(r.verdict, Verdict::Accepted);
  EXPECT_EQ(r.err, 0);
  ASSERT_TRUE(r.metrics[Metric::InsnsProcessed].has_value());
  EXPECT_GT(*r.metrics[Metric::InsnsProcessed], 3);
  ASSERT_TRUE(r.metrics[Metric::XlatedSize].has_value());
  EXPECT_GT(*r.metrics[Metric::XlatedSize], 0u);
  EXPECT_FALSE(r.log_tail.empty());
}

TEST_F(LoaderTest, RejectedProgramKeepsTheErrorLine) {
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = features_.log_rotating;
  auto r = load("xdp_reject_late", o);
  EXPECT_EQ(r.verdict, Verdict::Rejected);
  EXPECT_EQ(r.err, EACCES);
  std::string tail;
  for (const auto& l : r.log_tail)
    tail += l + "\n";
  EXPECT_NE(tail.find("outside of the packet"), std::string::npos) << tail;
  EXPECT_GE(r.log_level & 1, 1);
  EXPECT_EQ(r.log_truncated, LogTruncation::None);
}

TEST_F(LoaderTest, OverflowWithoutRotationGrowsBufferUntilTheTailFits) {
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = false; // behave as on a pre-6.4 kernel
  o.initial_log_size = 512;
  auto r = load("xdp_reject_late", o);
  EXPECT_EQ(r.verdict, Verdict::Rejected);
  EXPECT_EQ(r.err, EACCES); // the real verdict, not ENOSPC
  EXPECT_EQ(r.log_truncated, LogTruncation::None);
  EXPECT_GT(r.log_bytes, 512u);
  std::string tail;
  for (const auto& l : r.log_tail)
    tail += l + "\n";
  EXPECT_NE(tail.find("outside of the packet"), std::string::npos) << tail;
}

TEST_F(LoaderTest, OverflowBeyondMaxSaysTheTailWasLost) {
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = false;
  o.initial_log_size = 256;
  o.max_log_size = 1024;
  auto r = load("xdp_reject_late", o);
  EXPECT_EQ(r.verdict, Verdict::Rejected);
  EXPECT_EQ(r.err, EACCES);
  EXPECT_EQ(r.log_truncated, LogTruncation::Tail);
  ASSERT_FALSE(r.log_tail.empty());
  EXPECT_NE(r.log_tail.back().find("kept only its head"), std::string::npos);
}

// Every load a program costs, as the loader's hook saw them.
using Attempts = std::vector<LoadOptions::Attempt>;
static std::string describe(const Attempts& attempts) {
  std::string s;
  for (const auto& a : attempts) {
    std::string progs;
    for (const auto& p : a.programs)
      progs += (progs.empty() ? "" : "+") + p;
    s += progs + "@" + std::to_string(a.level) + "/" + std::to_string(a.log_size) + " ";
  }
  return s;
}

// What must not depend on the loads a hint saved: everything recorded but the timing.
static void expect_same_result(const ProgramResult& a, const ProgramResult& b) {
  EXPECT_EQ(a.verdict, b.verdict) << a.name;
  EXPECT_EQ(a.err, b.err) << a.name;
  EXPECT_EQ(a.error, b.error) << a.name;
  EXPECT_EQ(a.log_level, b.log_level) << a.name;
  EXPECT_EQ(a.log_truncated, b.log_truncated) << a.name;
  EXPECT_EQ(a.metrics[Metric::InsnsProcessed], b.metrics[Metric::InsnsProcessed]) << a.name;
  EXPECT_EQ(a.metrics[Metric::TotalStates], b.metrics[Metric::TotalStates]) << a.name;
  EXPECT_EQ(a.metrics[Metric::PeakStates], b.metrics[Metric::PeakStates]) << a.name;
  EXPECT_EQ(a.log_tail.size(), b.log_tail.size()) << a.name;
  EXPECT_EQ(a.full_log.text.empty(), b.full_log.text.empty()) << a.name;
}

TEST_F(LoaderTest, ABaselineRejectionGoesStraightToTheTrace) {
  if (!features_.log_stats) GTEST_SKIP() << "first loads are traces already on this kernel";
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = features_.log_rotating;
  o.keep_rejected_log = true;
  Attempts plain, hinted;
  o.on_load = [&](const LoadOptions::Attempt& a) { plain.push_back(a); };
  auto without = load("xdp_reject_late", o);
  ASSERT_EQ(plain.size(), 2u) << describe(plain); // stats only, then the trace
  EXPECT_EQ(plain[0].level, 4u);

  o.expected["xdp_reject_late"] = {Verdict::Rejected, without.metrics};
  o.on_load = [&](const LoadOptions::Attempt& a) { hinted.push_back(a); };
  auto with = load("xdp_reject_late", o);
  ASSERT_EQ(hinted.size(), 1u) << describe(hinted);
  EXPECT_EQ(hinted[0].level, 5u);
  expect_same_result(with, without);
  EXPECT_NE(joined_tail(with).find("outside of the packet"), std::string::npos);
}

TEST_F(LoaderTest, AWrongHintChangesNoResult) {
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = features_.log_rotating;
  o.keep_rejected_log = true;
  auto without = load("xdp_ok", o);
  o.expected["xdp_ok"] = {Verdict::Rejected, {}}; // a fix since the baseline was recorded
  Attempts hinted;
  o.on_load = [&](const LoadOptions::Attempt& a) { hinted.push_back(a); };
  auto with = load("xdp_ok", o);
  EXPECT_EQ(with.verdict, Verdict::Accepted);
  expect_same_result(with, without);
  // The wasted trace, then the load it would have had.
  EXPECT_EQ(hinted.back().level, features_.log_stats ? 4u : 1u) << describe(hinted);
}

// A rotating kernel keeps the tail of a log that overflows, where the error is. Its
// overflowing trace fails with ENOSPC whatever the verifier decided; the stats-only first load
// already said what it decided.
TEST_F(LoaderTest, RotatingKernelKeepsTheTailOfAnOverflowingLogAndTheFirstVerdict) {
  if (!features_.log_rotating) GTEST_SKIP() << "kernel keeps the head of the log";
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = true;
  o.initial_log_size = 512;
  o.max_log_size = 512;
  Attempts seen;
  o.on_load = [&](const LoadOptions::Attempt& a) { seen.push_back(a); };
  auto r = load("xdp_reject_late", o);
  EXPECT_EQ(r.verdict, Verdict::Rejected);
  EXPECT_EQ(r.err, EACCES);
  EXPECT_EQ(r.log_truncated, LogTruncation::Head);
  EXPECT_NE(joined_tail(r).find("outside of the packet"), std::string::npos) << joined_tail(r);
  ASSERT_EQ(seen.size(), 2u) << describe(seen);
  EXPECT_EQ(seen[0].level, 4u);
  EXPECT_EQ(seen[1].level, 5u);
}

TEST(FirstLogBuffer, StartsOnTheLadderStepTheInstructionsNeed) {
  LoadOptions o; // 1 MiB, growing by 4 up to 256 MiB
  EXPECT_EQ(first_log_buffer(0, 1, o), 1u << 20);
  EXPECT_EQ(first_log_buffer(5000, 1, o), 1u << 20);
  // unroll1024's 16392 instructions printed a 2.4 MB trace on 6.1: one 4 MiB load, not two.
  EXPECT_EQ(first_log_buffer(16392, 1, o), 4u << 20);
  EXPECT_EQ(first_log_buffer(16392, 2, o), 16u << 20);
  EXPECT_EQ(first_log_buffer(1000000, 1, o), 256u << 20);
  EXPECT_EQ(first_log_buffer(100000000, 2, o), 256u << 20); // never beyond the maximum
  o.max_log_size = 10u << 20; // the ladder's last step is the first at or above the maximum
  EXPECT_EQ(first_log_buffer(1000000, 1, o), 16u << 20);
}

// A trace's buffer is sized from the instructions the first load (or the baseline) counted,
// so a log that outgrows the initial buffer costs one trace, not one per size it outgrows.
TEST_F(LoaderTest, ATraceStartsWithABufferItsLogFits) {
  if (!features_.log_stats) GTEST_SKIP() << "no stats-only first load to count instructions";
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = false; // behave as on a pre-6.4 kernel
  o.initial_log_size = 64;
  Attempts plain, hinted;
  o.on_load = [&](const LoadOptions::Attempt& a) { plain.push_back(a); };
  auto without = load("xdp_reject_late", o);
  ASSERT_EQ(plain.size(), 2u) << describe(plain);
  EXPECT_GT(without.log_bytes, 4u * 64) << "grown from 64 bytes it would have taken 3 traces";
  EXPECT_EQ(plain[1].log_size, first_log_buffer(*without.metrics[Metric::InsnsProcessed], 1, o));
  o.expected["xdp_reject_late"] = {Verdict::Rejected, without.metrics};
  o.on_load = [&](const LoadOptions::Attempt& a) { hinted.push_back(a); };
  auto with = load("xdp_reject_late", o);
  ASSERT_EQ(hinted.size(), 1u) << describe(hinted);
  EXPECT_EQ(hinted[0].log_size, plain[1].log_size);
  expect_same_result(with, without);
}

// 4.18-era kernels have neither BPF_LOG_STATS (level 4) nor a rotating log. The loader must
// then work from level 1 alone: the summary line still yields the counts, and a rejection
// still carries its error line. Forcing the options off reproduces that on any host.
TEST_F(LoaderTest, WithoutLogLevel4LevelOneGivesStatsAndTheError) {
  LoadOptions o;
  o.log_stats = false;
  o.log_rotating = false;
  auto ok = load("xdp_ok", o);
  EXPECT_EQ(ok.verdict, Verdict::Accepted);
  EXPECT_EQ(ok.log_level, 1);
  ASSERT_TRUE(ok.metrics[Metric::InsnsProcessed].has_value());
  EXPECT_GT(*ok.metrics[Metric::InsnsProcessed], 3);

  auto bad = load("xdp_reject_late", o);
  EXPECT_EQ(bad.verdict, Verdict::Rejected);
  EXPECT_EQ(bad.log_level, 1);
  std::string tail;
  for (const auto& l : bad.log_tail)
    tail += l + "\n";
  EXPECT_NE(tail.find("outside of the packet"), std::string::npos) << tail;
}

// --- load_object: whole-object loads with isolated fallbacks must equal isolated loads ---

static const std::string kSharedMap = VMTEST_BINARY_DIR "/tests/bpf/shared_map_fixture.bpf.o";

class ObjectLoaderTest : public LoaderTest {
protected:
  struct Loaded {
    std::vector<ProgramResult> results;
    std::vector<std::string> tested; // programs whose test runs were called, in order
  };
  // `alone`: programs to load on their own, as a predicted-missing attach target would be.
  Loaded load_all(const std::string& path, bool isolated,
                  const std::vector<std::string>& alone = {}) {
    auto listing = list_programs(path);
    EXPECT_TRUE(listing.error.empty()) << listing.error;
    for (auto& p : listing.programs)
      if (std::find(alone.begin(), alone.end(), p.name) != alone.end())
        p.attach_target_missing = true;
    LoadOptions o;
    o.log_stats = features_.log_stats;
    o.log_rotating = features_.log_rotating;
    o.isolated = isolated;
    Loaded l;
    l.results = load_object(path, listing, o, [&](size_t i, int fd, ProgramResult& r) {
      l.tested.push_back(listing.programs[i].name);
      r.test_run = run_test_case(fd, default_test_case(r.name, r.prog_type));
      return r.test_run.status == TestRunStatus::Ok;
    });
    return l;
  }
};

TEST_F(ObjectLoaderTest, ResultsFollowTheListingAndMatchIsolatedLoads) {
  auto fast = load_all(kFixture, false);
  auto slow = load_all(kFixture, true);
  ASSERT_EQ(fast.results.size(), 3u);
  ASSERT_EQ(slow.results.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto& f = fast.results[i];
    const auto& s = slow.results[i];
    EXPECT_EQ(f.name, s.name);
    EXPECT_EQ(f.verdict, s.verdict) << f.name;
    EXPECT_EQ(f.err, s.err) << f.name;
    EXPECT_EQ(f.metrics[Metric::InsnsProcessed], s.metrics[Metric::InsnsProcessed]) << f.name;
    EXPECT_EQ(f.metrics[Metric::TotalStates], s.metrics[Metric::TotalStates]) << f.name;
    EXPECT_EQ(f.metrics[Metric::PeakStates], s.metrics[Metric::PeakStates]) << f.name;
    EXPECT_EQ(f.log_tail.size(), s.log_tail.size()) << f.name;
    EXPECT_EQ(f.test_run.status, s.test_run.status) << f.name;
  }
  EXPECT_EQ(fast.results[0].name, "xdp_ok");
  EXPECT_EQ(fast.results[0].verdict, Verdict::Accepted);
  EXPECT_EQ(fast.results[1].verdict, Verdict::Rejected);
  EXPECT_EQ(fast.results[1].err, EACCES);
  // The rejected program still gets its full trace, not just the stats-only first log.
  EXPECT_NE(joined_tail(fast.results[1]).find("outside of the packet"), std::string::npos);
  // Test runs only for accepted programs, each exactly once.
  EXPECT_EQ(fast.tested, (std::vector<std::string>{"xdp_ok", "kprobe_noop"}));
}

// A program the baseline saw rejected stays out of the whole-object load, which then loads
// once instead of failing on it and loading again without it.
TEST_F(ObjectLoaderTest, ABaselineRejectionStaysOutOfTheWholeObjectLoad) {
  auto plain = load_all(kFixture, false);
  Attempts hinted;
  auto listing = list_programs(kFixture);
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = features_.log_rotating;
  o.expected["xdp_reject_late"] = {Verdict::Rejected, plain.results[1].metrics};
  o.expected["xdp_ok"] = {Verdict::Accepted, plain.results[0].metrics};
  o.on_load = [&](const LoadOptions::Attempt& a) { hinted.push_back(a); };
  auto results = load_object(kFixture, listing, o, [&](size_t, int fd, ProgramResult& r) {
    r.test_run = run_test_case(fd, default_test_case(r.name, r.prog_type));
    return r.test_run.status == TestRunStatus::Ok;
  });
  ASSERT_EQ(results.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    expect_same_result(results[i], plain.results[i]);
  size_t with_rejected = 0;
  for (const auto& a : hinted)
    if (a.programs.size() > 1 &&
        std::count(a.programs.begin(), a.programs.end(), "xdp_reject_late"))
      ++with_rejected;
  EXPECT_EQ(with_rejected, 0u) << describe(hinted);
  EXPECT_EQ(hinted.front().programs, (std::vector<std::string>{"xdp_ok", "kprobe_noop"}))
      << describe(hinted);
}

TEST_F(ObjectLoaderTest, TestRunsDoNotSeeAnotherProgramsWrites) {
  for (bool isolated : {false, true}) {
    auto l = load_all(kSharedMap, isolated);
    ASSERT_EQ(l.results.size(), 2u);
    EXPECT_EQ(l.results[0].name, "xdp_counter_writer");
    EXPECT_EQ(l.results[0].test_run.retval, 2u); // XDP_PASS
    // A fresh map holds zero, so the reader passes too; after the writer's run it would drop.
    EXPECT_EQ(l.results[1].test_run.retval, 2u) << (isolated ? "isolated" : "whole object");
  }
}

static const std::string kMapTakeover = VMTEST_BINARY_DIR "/tests/bpf/map_takeover_fixture.bpf.o";

// The reader loads on its own after the whole-object load, whose maps it takes over; the
// writer's test run has written `counter`, so that one it must create afresh.
TEST_F(ObjectLoaderTest, IsolatedLoadsDoNotTakeOverMapsATestRunWrote) {
  auto l = load_all(kMapTakeover, false, {"xdp_counter_reader"});
  ASSERT_EQ(l.results.size(), 4u);
  EXPECT_EQ(l.tested, (std::vector<std::string>{"xdp_counter_writer", "xdp_idle_a", "xdp_idle_b",
                                                "xdp_counter_reader"}));
  for (const auto& r : l.results) {
    EXPECT_EQ(r.verdict, Verdict::Accepted) << r.name;
    EXPECT_EQ(r.test_run.retval, 2u) << r.name; // XDP_PASS: the reader saw a fresh zero
  }
}

// Writer and reader both load on their own: the writer takes over the untouched `counter`,
// and once its run has written it, the reader must not get it.
TEST_F(ObjectLoaderTest, AnIsolatedLoadsTestRunEndsTheTakeOver) {
  auto l = load_all(kMapTakeover, false, {"xdp_counter_writer", "xdp_counter_reader"});
  ASSERT_EQ(l.results.size(), 4u);
  EXPECT_EQ(l.tested, (std::vector<std::string>{"xdp_idle_a", "xdp_idle_b", "xdp_counter_writer",
                                                "xdp_counter_reader"}));
  for (const auto& r : l.results)
    EXPECT_EQ(r.test_run.retval, 2u) << r.name;
}

TEST_F(LoaderTest, AgentRecordsNotRunnableAndBrokenObjectsSeparately) {
  Manifest m;
  m.objects.push_back({"agent_fixture.bpf.o", kFixture, {}});
  m.objects.push_back({"missing.o", "/nonexistent/missing.o", {}});
  TestCase tc;
  tc.program = "xdp_ok";
  tc.name = "expects_drop";
  tc.data_in_hex = std::string(120, '0');
  tc.expect_retval = 1; // XDP_DROP, but the program passes: the case must fail
  m.objects[0].cases.push_back(tc);
  auto report = run_agent(m);
  ASSERT_EQ(report.objects.size(), 2u);
  const auto& progs = report.objects[0].programs;
  ASSERT_EQ(progs.size(), 3u);
  EXPECT_EQ(progs[0].test_run.status, TestRunStatus::Ok);
  EXPECT_EQ(progs[0].test_run.retval, 2u); // XDP_PASS
  EXPECT_TRUE(progs[0].test_run.expectation_failed);
  EXPECT_EQ(progs[1].test_run.status, TestRunStatus::Skipped); // rejected programs are not run
  EXPECT_EQ(progs[2].test_run.status, TestRunStatus::NotRunnable);
  EXPECT_FALSE(report.objects[1].error.empty());
  EXPECT_TRUE(report.objects[1].programs.empty());
}

} // namespace vmtest
