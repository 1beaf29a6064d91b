// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "core/fs.h"
#include "fake_runner.h"
#include "kernel/apt_source.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using testing::exited;
using testing::FakeRunner;

namespace {
const fs::path kData = fs::path(VMTEST_TEST_DATA) / "kernel";

class AptSourceTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "apt-");
    fs::create_directories(dir_ / "parts");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};
} // namespace

TEST_F(AptSourceTest, ReadsDeb822MirrorsIgnoringCommentsAndDebSrc) {
  fs::copy_file(kData / "debian.sources", dir_ / "parts" / "debian.sources");
  auto m = read_machine_mirrors(dir_ / "parts", dir_ / "no-sources.list");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->debian, "http://mirror.example.invalid/debian");
  EXPECT_EQ(m->security, "http://mirror.example.invalid/debian-security");
}

TEST_F(AptSourceTest, ReadsOneLineSourcesList) {
  auto m = read_machine_mirrors(dir_ / "parts", kData / "one-line.sources.list");
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->debian, "http://oneline.example.invalid/debian");
  EXPECT_EQ(m->security, "http://oneline.example.invalid/debian-security");
}

TEST_F(AptSourceTest, NoMirrorAtAllIsAnError) {
  auto m = read_machine_mirrors(dir_ / "parts", dir_ / "none");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().what.find("no Debian mirror"), std::string::npos);
}

TEST_F(AptSourceTest, PrivateSourcesListRoutesSecuritySuites) {
  fs::copy_file(kData / "debian.sources", dir_ / "parts" / "debian.sources");
  auto m = read_machine_mirrors(dir_ / "parts", dir_ / "none");
  ASSERT_TRUE(m.ok());
  auto text = private_sources_list(*m, {"bullseye", "bullseye-security"});
  ASSERT_TRUE(text.ok()) << text.error().str();
  const std::string kr = "[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]";
  EXPECT_EQ(*text, "# Written by vmtest for its private apt state; regenerated on every fetch.\n"
                   "deb " +
                       kr +
                       " http://mirror.example.invalid/debian bullseye main\n"
                       "deb " +
                       kr +
                       " http://mirror.example.invalid/debian-security bullseye-security main\n");
}

TEST_F(AptSourceTest, SecuritySuiteWithoutSecurityMirrorIsAnError) {
  auto text = private_sources_list({"http://m.example.invalid/debian", ""}, {"bookworm-security"});
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().what.find("bookworm-security"), std::string::npos);
}

TEST(AptCacheShow, ParsesEveryStanza) {
  auto pkgs =
      parse_apt_cache_show("Package: linux-image-x\nVersion: 1.0-1\nDescription: a\n multi-line\n"
                           "Filename: pool/main/l/x_1.0-1_amd64.deb\nSHA256: aa\n\n"
                           "Package: linux-image-x\nVersion: 1.1-1\nSHA256: bb\n\n");
  ASSERT_EQ(pkgs.size(), 2u);
  EXPECT_EQ(pkgs[0].version, "1.0-1");
  EXPECT_EQ(pkgs[0].filename, "pool/main/l/x_1.0-1_amd64.deb");
  EXPECT_EQ(pkgs[1].sha256, "bb");
}

TEST_F(AptSourceTest, AnotherArchitectureIsIndexedAndDownloadedOnlyForItself) {
  auto text = private_sources_list({"http://m.example.invalid/debian", ""}, {"trixie"},
                                   kDebianArchiveKeyring, "arm64");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                       "http://m.example.invalid/debian trixie main\n"),
            std::string::npos)
      << *text;
  FakeRunner runner([](const Command&) { return exited(0); });
  PrivateApt apt(dir_ / "state", *text, runner, {}, "arm64");
  ASSERT_TRUE(apt.update().ok());
  const auto& argv = runner.commands.at(0).argv;
  auto has_option = [&](const std::string& o) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      if (argv[i] == "-o" && argv[i + 1] == o) return true;
    return false;
  };
  // Without these apt would resolve `download PKG=VER` to the machine's own architecture.
  EXPECT_TRUE(has_option("APT::Architecture=arm64"));
  EXPECT_TRUE(has_option("APT::Architectures=arm64"));
}

TEST_F(AptSourceTest, CommandsUsePrivateStateOnly) {
  FakeRunner runner([](const Command&) { return exited(0); });
  PrivateApt apt(dir_ / "state", "deb x y main\n", runner);
  ASSERT_TRUE(apt.prepare().ok());
  EXPECT_EQ(*read_file(dir_ / "state" / "sources.list"), "deb x y main\n");
  EXPECT_FALSE(apt.lists_present());
  ASSERT_TRUE(apt.update().ok());
  ASSERT_EQ(runner.commands.size(), 1u);
  const auto& argv = runner.commands[0].argv;
  const std::vector<std::string> expected = {"apt-get",
                                             "-o",
                                             "Dir::Etc::sourcelist=" +
                                                 (dir_ / "state/sources.list").string(),
                                             "-o",
                                             "Dir::Etc::sourceparts=-",
                                             "-o",
                                             "Dir::State::Lists=" + (dir_ / "state/lists").string(),
                                             "-o",
                                             "Dir::Cache=" + (dir_ / "state/cache").string(),
                                             "-o",
                                             "Dir::Cache::pkgcache=",
                                             "-o",
                                             "Dir::Cache::srcpkgcache=",
                                             "-o",
                                             "Acquire::GzipIndexes=true",
                                             "-o",
                                             "Acquire::Languages=none",
                                             "-q",
                                             "update"};
  EXPECT_EQ(argv, expected);
}

TEST_F(AptSourceTest, UnknownPackageIsAnEmptyListNotAnError) {
  FakeRunner runner([](const Command&) {
    return exited(100, "N: Unable to locate package nope\nE: No packages found\n");
  });
  PrivateApt apt(dir_ / "state", "", runner);
  auto pkgs = apt.show("nope");
  ASSERT_TRUE(pkgs.ok()) << pkgs.error().str();
  EXPECT_TRUE(pkgs->empty());
}

TEST_F(AptSourceTest, FailedUpdateCarriesAptsMessage) {
  FakeRunner runner([](const Command&) {
    return exited(100,
                  "Err:1 http://m bookworm InRelease\nE: Some index files failed to download\n");
  });
  PrivateApt apt(dir_ / "state", "", runner);
  auto r = apt.update();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().what.find("Some index files failed"), std::string::npos) << r.error().str();
}

} // namespace vmtest
