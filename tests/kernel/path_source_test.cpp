// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "kernel/path_source.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

TEST(PathSource, IsUsedInPlaceAndChecked) {
  const fs::path root = *make_temp_dir(fs::temp_directory_path(), "vmtest-path-");
  testing::write_bytes(root / "vmlinuz", "local kernel");
  FetchContext ctx;
  ctx.cache_dir = root / "cache";
  PathSource good("mine", root / "vmlinuz", {}, sha256_hex("local kernel"));
  EXPECT_EQ(good.unavailable_reason(ctx), "");
  auto img = good.fetch(ctx);
  ASSERT_TRUE(img.ok()) << img.error().str();
  EXPECT_EQ(img->vmlinuz, root / "vmlinuz");
  EXPECT_EQ(img->sha256, sha256_hex("local kernel"));

  auto bad = PathSource("mine", root / "vmlinuz", {}, std::string(64, 'c')).fetch(ctx);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("expected " + std::string(64, 'c')), std::string::npos);

  PathSource gone("mine", root / "nope", {}, "");
  EXPECT_EQ(gone.unavailable_reason(ctx), "vmlinuz not found: " + (root / "nope").string());
  fs::remove_all(root);
}

} // namespace vmtest
