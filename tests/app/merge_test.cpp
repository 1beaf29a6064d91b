// SPDX-License-Identifier: BSD-2-Clause
// `vmtest merge` without a CI: two per-kernel results files become one, and the full logs they
// name travel with it.
#include "app/merge.h"
#include "app_fixtures.h"
#include "results/byte_text.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using namespace vmtest::testing;

namespace {

class MergeUseCase : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "merge-"); }
  void TearDown() override { fs::remove_all(dir_); }

  // job/<kernel>/results.json for one kernel whose program names `log` as its full log.
  fs::path job(const std::string& kernel, const std::string& log) {
    KernelResult k = kernel_with(kernel, {program("p", Verdict::Rejected, 10)});
    auto& p = k.objects[0].programs[0];
    p.full_log.reason = FullLogReason::Rejected;
    p.full_log.file = log;
    const fs::path path = dir_ / "job" / kernel / "results.json";
    EXPECT_TRUE(write_file_atomic(path, dump_json(nlohmann::json(results_of({k})), 2)).ok());
    return path;
  }

  fs::path dir_;
  std::vector<std::string> said_;
  Say say_ = [this](const std::string& l) { said_.push_back(l); };
};

} // namespace

TEST_F(MergeUseCase, KernelsInMatrixOrderAndTheirLogsCopied) {
  const fs::path a = job("6.1", "logs/6.1/a.bpf.o/p.log");
  const fs::path b = job("5.10", "logs/5.10/a.bpf.o/p.log");
  ASSERT_TRUE(write_file_atomic(a.parent_path() / "logs/6.1/a.bpf.o/p.log", "log 6.1").ok());
  ASSERT_TRUE(write_file_atomic(b.parent_path() / "logs/5.10/a.bpf.o/p.log", "log 5.10").ok());
  const fs::path out = dir_ / "merged" / "results.json";
  auto m = merge_files({a, b}, {"5.10", "6.1"}, out, say_);
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->logs, 2u);
  ASSERT_EQ(m->results.kernels.size(), 2u);
  EXPECT_EQ(m->results.kernels[0].name, "5.10");
  EXPECT_EQ(*read_file(dir_ / "merged/logs/6.1/a.bpf.o/p.log"), "log 6.1");
  auto written = read_results(out);
  ASSERT_TRUE(written.ok()) << written.error().str();
  EXPECT_EQ(written->kernels.size(), 2u);
  EXPECT_TRUE(said_.empty());
}

TEST_F(MergeUseCase, AMissingLogIsAWarningAndAnEscapingOneAnError) {
  const fs::path a = job("6.1", "logs/6.1/a.bpf.o/p.log"); // never written
  auto m = merge_files({a}, {}, dir_ / "out" / "results.json", say_);
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->logs, 0u);
  ASSERT_EQ(said_.size(), 1u);
  EXPECT_NE(said_[0].find("warning: "), std::string::npos);
  EXPECT_NE(said_[0].find("which is not there"), std::string::npos);

  const fs::path bad = job("5.10", "../../secret");
  auto e = merge_files({bad}, {}, dir_ / "out2" / "results.json", say_);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().str().find("leaves the results folder"), std::string::npos);
}

TEST_F(MergeUseCase, UnreadableInputIsAnErrorNamingIt) {
  ASSERT_TRUE(write_file_atomic(dir_ / "bad.json", "{").ok());
  auto e = merge_files({dir_ / "bad.json"}, {}, dir_ / "out.json", say_);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().str().find("bad.json"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "out.json"));
}

} // namespace vmtest
