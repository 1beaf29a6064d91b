// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "kernel/local_source.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
class LocalTest : public ::testing::Test {
protected:
  void SetUp() override {
    root_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-local-");
    fs::create_directories(root_ / "kernels/4.18");
    testing::write_bytes(root_ / "kernels/4.18/bzImage", "rhel 8.1 kernel");
    testing::write_bytes(root_ / "kernels/4.18/config", "CONFIG_BPF=y\n");
    pin_ = LocalPin{sha256_hex("rhel 8.1 kernel"), sha256_hex("CONFIG_BPF=y\n"), "test"};
  }
  void TearDown() override { fs::remove_all(root_); }
  FetchContext ctx(const std::string& env_dir = "") {
    FetchContext c;
    c.cache_dir = root_ / "cache";
    c.env = [env_dir](const std::string& n) {
      return n == "VMTEST_KERNEL_DIR" ? env_dir : std::string();
    };
    return c;
  }
  LocalSource source(std::string subdir = "4.18") const {
    return LocalSource("4.18", subdir, pin_);
  }
  fs::path root_;
  LocalPin pin_;
};
} // namespace

TEST_F(LocalTest, VerifiedImageIsUsedInPlaceFromTheEnvironmentOrTheFlag) {
  auto img = source().fetch(ctx((root_ / "kernels").string()));
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(img->vmlinuz, root_ / "kernels/4.18/bzImage");
  EXPECT_EQ(img->config, root_ / "kernels/4.18/config");
  EXPECT_EQ(img->sha256, sha256_hex("rhel 8.1 kernel"));
  EXPECT_EQ(img->origin, "local 4.18/bzImage");
  EXPECT_FALSE(fs::exists(root_ / "cache")) << "a local image is its own cache";

  // --kernel-dir wins over the environment.
  auto c = ctx("/nonexistent");
  c.kernel_dir = root_ / "kernels";
  EXPECT_EQ(source().unavailable_reason(c), "");
  EXPECT_TRUE(source().fetch(c).ok());
  EXPECT_EQ(source().describe(), "$VMTEST_KERNEL_DIR/4.18") << "no machine path in results";
}

TEST_F(LocalTest, NoDirectoryOrNoImageIsUnavailable) {
  EXPECT_EQ(source().unavailable_reason(ctx()),
            "set VMTEST_KERNEL_DIR (or --kernel-dir) to a directory holding 4.18/bzImage");
  EXPECT_EQ(source("5.15").unavailable_reason(ctx((root_ / "kernels").string())),
            "no 5.15/bzImage in " + (root_ / "kernels").string());
}

TEST_F(LocalTest, AnImageTheLockDoesNotPinIsAnErrorNotAFallback) {
  testing::write_bytes(root_ / "kernels/4.18/bzImage", "someone else's kernel");
  auto wrong = source().fetch(ctx((root_ / "kernels").string()));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().str().find("vmlinuz sha256 mismatch: expected " + pin_.vmlinuz_sha256 +
                                     ", got " + sha256_hex("someone else's kernel")),
            std::string::npos)
      << wrong.error().str();

  testing::write_bytes(root_ / "kernels/4.18/bzImage", "rhel 8.1 kernel");
  testing::write_bytes(root_ / "kernels/4.18/config", "CONFIG_BPF=n\n");
  auto config = source().fetch(ctx((root_ / "kernels").string()));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().str().find("config sha256 mismatch"), std::string::npos);

  pin_ = LocalPin{};
  auto unpinned = source().fetch(ctx((root_ / "kernels").string()));
  ASSERT_FALSE(unpinned.ok());
  EXPECT_NE(unpinned.error().str().find("vmtest kernels lock --kernel 4.18"), std::string::npos)
      << unpinned.error().str();
}

TEST_F(LocalTest, RefreshPinMeasuresTheImagesAndKeepsProvenance) {
  pin_ = LocalPin{"", "", "the shared CI images"};
  auto pin = source().refresh_pin(ctx((root_ / "kernels").string()));
  ASSERT_TRUE(pin.ok()) << pin.error().str();
  EXPECT_EQ((*pin)["vmlinuz_sha256"], sha256_hex("rhel 8.1 kernel"));
  EXPECT_EQ((*pin)["config_sha256"], sha256_hex("CONFIG_BPF=y\n"));
  EXPECT_EQ((*pin)["provenance"], "the shared CI images");
  EXPECT_FALSE(source().refresh_pin(ctx()).ok()) << "nothing to measure without a directory";
}

TEST_F(LocalTest, SubdirNamesAnotherDirectory) {
  fs::create_directories(root_ / "kernels/rhel-8.1");
  fs::copy_file(root_ / "kernels/4.18/bzImage", root_ / "kernels/rhel-8.1/bzImage");
  pin_.config_sha256.clear();
  auto img = source("rhel-8.1").fetch(ctx((root_ / "kernels").string()));
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_TRUE(img->config.empty()) << "no config there, and none pinned";
  EXPECT_EQ(source("rhel-8.1").describe(), "$VMTEST_KERNEL_DIR/rhel-8.1");
}

} // namespace vmtest
