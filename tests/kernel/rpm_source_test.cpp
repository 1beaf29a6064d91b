// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "fake_http.h"
#include "kernel/rpm_source.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
class RpmTest : public ::testing::Test {
protected:
  void SetUp() override { root_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-rpm-"); }
  void TearDown() override { fs::remove_all(root_); }
  FetchContext ctx() {
    FetchContext c;
    c.cache_dir = root_ / "cache";
    c.http = &http_;
    return c;
  }
  fs::path root_;
  testing::FakeHttp http_;
};
} // namespace

TEST_F(RpmTest, KernelCorePayloadYieldsLibModulesVmlinuz) {
  const std::string payload =
      testing::build_cpio_xz({{"./lib/modules/4.18.0-553.el8_10.x86_64/vmlinuz", "rhel kernel"},
                              {"./lib/modules/4.18.0-553.el8_10.x86_64/config", "CONFIG_BPF=y\n"},
                              {"./lib/modules/4.18.0-553.el8_10.x86_64/System.map", "map"}});
  testing::write_bytes(root_ / "kernel-core.rpm", payload);
  RpmSource row("4.18", "", root_ / "kernel-core.rpm", sha256_hex(payload));
  EXPECT_EQ(row.unavailable_reason(ctx()), "");
  auto img = row.fetch(ctx());
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(*read_file(img->vmlinuz), "rhel kernel");
  EXPECT_EQ(*read_file(img->config), "CONFIG_BPF=y\n");

  // Same bytes over HTTP: already cached by the RPM's hash, so nothing is downloaded.
  RpmSource remote("4.18", "http://m.test/k.rpm", {}, sha256_hex(payload));
  auto again = remote.fetch(ctx());
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_TRUE(again->from_cache);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(RpmTest, WrongShaAndMissingKernelAreClear) {
  const std::string payload = testing::build_cpio_xz({{"./usr/share/doc/x", "doc"}});
  testing::write_bytes(root_ / "k.rpm", payload);
  RpmSource row("4.18", "", root_ / "k.rpm", std::string(64, 'c'));
  auto wrong = row.fetch(ctx());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().str().find("sha256 mismatch: expected " + std::string(64, 'c')),
            std::string::npos);
  auto none = RpmSource("4.18", "", root_ / "k.rpm", sha256_hex(payload)).fetch(ctx());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().str().find("no lib/modules/<release>/vmlinuz in the RPM"),
            std::string::npos)
      << none.error().str();
}

TEST_F(RpmTest, MissingLocalRpmIsUnavailable) {
  RpmSource gone("4.18", "", root_ / "nope.rpm", std::string(64, 'c'));
  EXPECT_EQ(gone.unavailable_reason(ctx()), "no RPM at " + (root_ / "nope.rpm").string());
}

} // namespace vmtest
