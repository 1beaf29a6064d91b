// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "fake_http.h"
#include "fake_runner.h"
#include "kernel/build_source.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;
using testing::exited;

namespace {
// Plays tar and make: olddefconfig writes a .config honouring the fragment (unless told to
// drop an option), make bzImage writes arch/x86/boot/bzImage.
struct FakeKbuild {
  bool drop_btf = false;
  bool bzimage_fails = false;
  ExitStatus operator()(const Command& c) {
    if (c.argv[0] == "make") {
      const fs::path tree = c.argv[2];
      const std::string target = c.argv.back();
      if (target == "olddefconfig")
        testing::write_bytes(
            tree / ".config",
            std::string("CONFIG_BPF_SYSCALL=y\n") +
                (drop_btf ? "# CONFIG_DEBUG_INFO_BTF is not set\n" : "CONFIG_DEBUG_INFO_BTF=y\n"));
      if (target == "bzImage") {
        if (bzimage_fails) return exited(2, "");
        fs::create_directories(tree / "arch/x86/boot");
        testing::write_bytes(tree / "arch/x86/boot/bzImage", "built kernel");
      }
    }
    return exited(0, "");
  }
};

class BuildTest : public ::testing::Test {
protected:
  void SetUp() override {
    root_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-build-");
    tarball_ = testing::build_tar({{"linux-6.6.60/Makefile", "all:"}}, testing::DataFilter::xz);
    http_.serve("http://k.test/v6.x/linux-6.6.60.tar.xz", tarball_);
    testing::write_bytes(root_ / "bpf.config", "CONFIG_BPF_SYSCALL=y\nCONFIG_DEBUG_INFO_BTF=y\n");
    spec_ = BuildSpec{"6.6.60", "${VMTEST_KERNEL_MIRROR}/v6.x/linux-6.6.60.tar.xz",
                      sha256_hex(tarball_), root_ / "bpf.config"};
  }
  void TearDown() override { fs::remove_all(root_); }
  FetchContext ctx(CommandRunner& r) {
    FetchContext c;
    c.cache_dir = root_ / "cache";
    c.http = &http_;
    c.runner = &r;
    c.env = [](const std::string& n) {
      return n == "VMTEST_KERNEL_MIRROR" ? std::string("http://k.test") : std::string();
    };
    return c;
  }
  fs::path root_;
  std::string tarball_;
  testing::FakeHttp http_;
  BuildSpec spec_;
  Result<KernelImage> fetch_kernel(const FetchContext& c) const {
    return BuildSource("6.6", spec_).fetch(c);
  }
};
} // namespace

TEST_F(BuildTest, ConfiguresMergesTheFragmentAndBuilds) {
  FakeKbuild kbuild;
  testing::FakeRunner runner(std::ref(kbuild));
  auto img = fetch_kernel(ctx(runner));
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(*read_file(img->vmlinuz), "built kernel");
  EXPECT_EQ(runner.verbs(), (std::vector<std::string>{"tar " + (runner.commands[0].argv[2]),
                                                      "make " + runner.commands[1].argv[2],
                                                      "scripts/kconfig/merge_config.sh .config",
                                                      "make " + runner.commands[3].argv[2],
                                                      "make " + runner.commands[4].argv[2]}));
  EXPECT_EQ(runner.commands[1].argv.back(), "defconfig");
  EXPECT_EQ(runner.commands[2].argv.back(), (root_ / "bpf.config").string());
  EXPECT_EQ(runner.commands[3].argv.back(), "olddefconfig");
  EXPECT_EQ(runner.commands[4].argv.back(), "bzImage");
  EXPECT_EQ(runner.commands[4].argv[3], "-j2");

  runner.commands.clear();
  auto again = fetch_kernel(ctx(runner));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->from_cache);
  EXPECT_TRUE(runner.commands.empty()) << "a cached build runs nothing";
}

TEST_F(BuildTest, DroppedFragmentOptionFailsBeforeBuilding) {
  FakeKbuild kbuild{.drop_btf = true};
  testing::FakeRunner runner(std::ref(kbuild));
  auto img = fetch_kernel(ctx(runner));
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("CONFIG_DEBUG_INFO_BTF=y (got n)"), std::string::npos)
      << img.error().str();
  EXPECT_EQ(runner.commands.size(), 4u) << "make bzImage never ran";
}

TEST_F(BuildTest, FailedMakeNamesTheLogAndCachesNothing) {
  FakeKbuild kbuild{.bzimage_fails = true};
  testing::FakeRunner runner(std::ref(kbuild));
  auto img = fetch_kernel(ctx(runner));
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("bzImage.log"), std::string::npos) << img.error().str();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_ / "cache/kernels", ec))
    EXPECT_EQ(e.path().filename().string()[0], '.') << e.path();
}

TEST_F(BuildTest, WrongTarballShaStopsBeforeAnyCommand) {
  spec_.sha256 = std::string(64, 'd');
  FakeKbuild kbuild;
  testing::FakeRunner runner(std::ref(kbuild));
  auto img = fetch_kernel(ctx(runner));
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.error().str().find("sha256 mismatch"), std::string::npos);
  EXPECT_TRUE(runner.commands.empty());
}

TEST_F(BuildTest, WithoutATarballShaItIsNotAvailable) {
  spec_.sha256.clear();
  FakeKbuild kbuild;
  testing::FakeRunner runner(std::ref(kbuild));
  EXPECT_EQ(BuildSource("6.6", spec_).unavailable_reason(ctx(runner)),
            "no sha256 for the linux-6.6.60 tarball in kernels/matrix.yaml");
  auto img = fetch_kernel(ctx(runner));
  ASSERT_FALSE(img.ok());
  EXPECT_TRUE(runner.commands.empty());
}

TEST(BuildConfig, FragmentViolations) {
  EXPECT_TRUE(
      config_fragment_violations("CONFIG_A=y\n# CONFIG_B is not set\n", "CONFIG_A=y\n").empty());
  EXPECT_EQ(config_fragment_violations("CONFIG_A=y\nCONFIG_C=m\n", "CONFIG_C=y\n"),
            (std::vector<std::string>{"CONFIG_A=y (got n)", "CONFIG_C=m (got y)"}));
}

} // namespace vmtest
