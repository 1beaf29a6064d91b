// SPDX-License-Identifier: BSD-2-Clause
// These tests load real programs into the running kernel, so they need root (CAP_BPF); they
// boot nothing and run in a few milliseconds.
#include "test_paths.h"
#include "agent/agent.h"
#include "agent/features.h"
#include "agent/program_loader.h"
#include "agent/test_runner.h"

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

TEST_F(LoaderTest, RotatingKernelKeepsTheTailOfAnOverflowingLog) {
  if (!features_.log_rotating) GTEST_SKIP() << "kernel keeps the head of the log";
  LoadOptions o;
  o.log_stats = features_.log_stats;
  o.log_rotating = true;
  o.initial_log_size = 512;
  o.max_log_size = 512;
  auto r = load("xdp_reject_late", o);
  EXPECT_EQ(r.verdict, Verdict::Rejected);
  EXPECT_EQ(r.err, EACCES);
  EXPECT_EQ(r.log_truncated, LogTruncation::Head);
  std::string tail;
  for (const auto& l : r.log_tail)
    tail += l + "\n";
  EXPECT_NE(tail.find("outside of the packet"), std::string::npos) << tail;
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
