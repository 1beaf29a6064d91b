// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "run/previous_outputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

class PreviousOutputs : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-prev-");
    out_ = dir_ / "out";
    fs::create_directories(out_);
  }
  void TearDown() override {
    fs::permissions(out_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  void put(const fs::path& p, const std::string& text) {
    ASSERT_TRUE(write_file_atomic(p, text).ok());
  }
  static std::string text(const fs::path& p) {
    auto t = read_file(p);
    return t ? *t : "<missing>";
  }
  fs::path dir_, out_;
};

} // namespace

// The older run's files leave the names a gate trusts; they are kept one generation, under
// .previous/, and the lock file and foreign files stay where they are.
TEST_F(PreviousOutputs, TrustedNamesMoveToPreviousAndNothingElseDoes) {
  put(out_ / "results.json", "old results");
  put(out_ / "report.html", "old report");
  put(out_ / "kernels/6.1/console.log", "old console");
  put(out_ / "logs/6.1/a.bpf.o/p.log", "old log");
  put(out_ / ".vmtest.lock", "123\n");
  put(out_ / "notes.txt", "the user's");
  put(out_ / ".previous/results.json", "older still");
  auto r = retire_previous_outputs(out_, {});
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(r->moved, (std::vector<std::string>{"results.json", "report.html", "kernels", "logs"}));
  EXPECT_TRUE(r->removed.empty());
  for (const char* name : kTrustedOutputs)
    EXPECT_FALSE(fs::exists(out_ / name)) << name;
  EXPECT_EQ(text(out_ / ".previous/results.json"), "old results");
  EXPECT_EQ(text(out_ / ".previous/kernels/6.1/console.log"), "old console");
  EXPECT_EQ(text(out_ / ".vmtest.lock"), "123\n");
  EXPECT_EQ(text(out_ / "notes.txt"), "the user's");
}

TEST_F(PreviousOutputs, AFreshFolderIsLeftAlone) {
  auto r = retire_previous_outputs(out_, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->moved.empty());
  EXPECT_FALSE(fs::exists(out_ / kPreviousOutputsDir));
}

// --junit, --markdown, --verdict-json: inside OUT they move with the rest, elsewhere they go.
TEST_F(PreviousOutputs, ExtraOutputsMoveOrGo) {
  put(out_ / "junit.xml", "old junit");
  put(dir_ / "summary.md", "old summary");
  auto r = retire_previous_outputs(
      out_, {out_ / "junit.xml", dir_ / "summary.md", dir_ / "never-written.json", fs::path()});
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(text(out_ / ".previous/junit.xml"), "old junit");
  EXPECT_FALSE(fs::exists(out_ / "junit.xml"));
  EXPECT_FALSE(fs::exists(dir_ / "summary.md"));
  EXPECT_EQ(r->removed, std::vector<std::string>{(dir_ / "summary.md").string()});
}

// One that can be neither moved nor deleted stops the run, naming it.
TEST_F(PreviousOutputs, AnOutputThatCannotBeRetiredIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  put(out_ / "results.json", "old results");
  fs::permissions(out_, fs::perms::owner_write, fs::perm_options::remove);
  auto r = retire_previous_outputs(out_, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("results.json"), std::string::npos) << r.error().str();
  EXPECT_NE(r.error().str().find("cannot move the previous run's"), std::string::npos);
}

} // namespace vmtest
