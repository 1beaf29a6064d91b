// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "cli/version.h"
#include "core/fs.h"
#include "kernel/fake_runner.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace {
namespace fs = std::filesystem;

class VersionTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-version-test-");
    agent_ = dir_ / "vmtest-guest";
    bpftool_ = dir_ / "bpftool";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_, agent_, bpftool_;
};

TEST_F(VersionTest, NamesTheAgentsLibbpfAndTheGuestsBpftool) {
  ASSERT_TRUE(write_file_atomic(agent_, "").ok());
  ASSERT_TRUE(write_file_atomic(bpftool_, "").ok());
  testing::FakeRunner runner([&](const Command& c) {
    EXPECT_EQ(c.argv.at(1), "--version");
    if (c.argv[0] == agent_.string()) return testing::exited(0, "vmtest-guest libbpf 1.4.6\n");
    return testing::exited(0, "bpftool v7.5.0\nusing libbpf v1.5\nfeatures:\n");
  });
  std::string text = version_text(runner, agent_, bpftool_);
  EXPECT_EQ(text.rfind("vmtest ", 0), 0u) << text;
  EXPECT_NE(text.find("\nlibbpf 1.4.6 (in " + agent_.string() + ")\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nbpftool 7.5.0 (" + bpftool_.string()), std::string::npos) << text;
  EXPECT_EQ(runner.commands.size(), 2u);
}

// One place for the version: the binary reports what VERSION says, and the release checks
// hold the tag to the same file.
TEST_F(VersionTest, ReportsTheVersionFile) {
  auto file = read_file(fs::path(VMTEST_SOURCE_DIR) / "VERSION");
  ASSERT_TRUE(file.ok());
  std::string want = file->substr(0, file->find_first_of("\r\n"));
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(vmtest_version(), want);
  testing::FakeRunner runner([](const Command&) { return testing::exited(0, "unused"); });
  EXPECT_EQ(version_text(runner, agent_, bpftool_).rfind("vmtest " + want + "\n", 0), 0u);
}

TEST_F(VersionTest, SaysWhatIsMissing) {
  testing::FakeRunner runner([](const Command&) { return testing::exited(0, "unused"); });
  std::string text = version_text(runner, agent_, bpftool_);
  EXPECT_NE(text.find("(built against; no agent at " + agent_.string() + ")"), std::string::npos)
      << text;
  EXPECT_NE(text.find("bpftool not found at " + bpftool_.string()), std::string::npos) << text;
  EXPECT_TRUE(runner.commands.empty());
}

} // namespace
} // namespace vmtest
