// These tests load real programs into the running kernel, so they need root (CAP_BPF); they
// boot nothing and run in a few milliseconds.
#include "agent/agent.h"
#include "agent/features.h"
#include "agent/program_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace vmtest {

static const std::string kFixture = VMTEST_BINARY_DIR "/tests/bpf/agent_fixture.bpf.o";

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
