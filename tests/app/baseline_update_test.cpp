// SPDX-License-Identifier: BSD-2-Clause
// `vmtest baseline update` without a VM: which kernels are recorded, what is said about each,
// and which refusals stop it.
#include "app/baseline_update.h"
#include "app_fixtures.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace vmtest::testing;

namespace {

class BaselineUpdate : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "update-");
    gate_.baselines_dir = dir_;
    out_.note = [this](const std::string& l) { notes_.push_back(l); };
    out_.print = [this](const std::string& t) { printed_ += t; };
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  GateOptions gate_;
  UpdateOutput out_;
  std::vector<std::string> notes_;
  std::string printed_;
};

} // namespace

TEST_F(BaselineUpdate, RecordsKernelsWithVerdictsAndRefusesTheOthers) {
  KernelResult skipped = kernel_with("4.18", {}, KernelStatus::Skipped);
  skipped.error = "no source here";
  auto r = results_of({skipped, kernel_with("5.10", {}, KernelStatus::Timeout),
                       kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  auto rc = update_baselines(r, gate_, out_);
  ASSERT_TRUE(rc.ok()) << rc.error().str();
  EXPECT_EQ(*rc, 2);
  EXPECT_FALSE(fs::exists(baseline_path(dir_, "4.18")));
  EXPECT_FALSE(fs::exists(baseline_path(dir_, "5.10")));
  ASSERT_TRUE(fs::exists(baseline_path(dir_, "6.1")));
  EXPECT_EQ(notes_, (std::vector<std::string>{
                        "4.18: skipped (no source here); baseline left as it is",
                        "5.10: refusing to write a baseline: the kernel gave no verdicts "
                        "(timeout: boom)",
                        "6.1: new baseline",
                        "6.1: wrote " + baseline_path(dir_, "6.1").string(),
                        "1 baseline(s) written",
                    }));
  EXPECT_TRUE(printed_.empty());
}

TEST_F(BaselineUpdate, UnchangedIsLeftAloneAndAChangeShowsItsDiff) {
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  ASSERT_EQ(*update_baselines(r, gate_, out_), 0);
  notes_.clear();
  ASSERT_EQ(*update_baselines(r, gate_, out_), 0);
  EXPECT_EQ(notes_.front(), "6.1: baseline unchanged");
  EXPECT_EQ(notes_.back(), "0 baseline(s) written");
  auto flipped = results_of({kernel_with("6.1", {program("p", Verdict::Rejected, 10)})});
  notes_.clear();
  ASSERT_EQ(*update_baselines(flipped, gate_, out_), 0);
  EXPECT_NE(printed_.find("p"), std::string::npos);
  EXPECT_FALSE(printed_.empty());
  EXPECT_EQ(notes_.back(), "1 baseline(s) written");
  auto saved = load_baseline(baseline_path(dir_, "6.1"));
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->objects.at("a.bpf.o").programs.at("p").verdict, Verdict::Rejected);
}

TEST_F(BaselineUpdate, AnotherCorpusNeedsNamedBaselines) {
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})}, false);
  auto rc = update_baselines(r, gate_, out_);
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().str(), "the corpus is not the project's own (vmtest.yaml's): pass "
                              "--baselines DIR for its baselines");
  EXPECT_FALSE(fs::exists(baseline_path(dir_, "6.1")));
  gate_.baselines_explicit = true;
  EXPECT_EQ(*update_baselines(r, gate_, out_), 0);
  EXPECT_TRUE(fs::exists(baseline_path(dir_, "6.1")));
}

TEST_F(BaselineUpdate, UnreadablePolicyStopsBeforeWriting) {
  ASSERT_TRUE(write_file_atomic(dir_ / "policy.yaml", "expected_failures: [").ok());
  gate_.policy = dir_ / "policy.yaml";
  auto r = results_of({kernel_with("6.1", {program("p", Verdict::Accepted, 10)})});
  EXPECT_FALSE(update_baselines(r, gate_, out_).ok());
  EXPECT_FALSE(fs::exists(baseline_path(dir_, "6.1")));
}

TEST(KeepKernels, KeepsOnlyTheNamedOnes) {
  auto r = results_of({kernel_with("5.10", {}), kernel_with("6.1", {})});
  keep_kernels(r, {});
  EXPECT_EQ(r.kernels.size(), 2u);
  keep_kernels(r, {"6.1", "6.6"});
  ASSERT_EQ(r.kernels.size(), 1u);
  EXPECT_EQ(r.kernels[0].name, "6.1");
}

} // namespace vmtest
