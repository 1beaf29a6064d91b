#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "kernel/kernel_cache.h"

#include <gtest/gtest.h>
#include <set>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
class KernelCacheTest : public ::testing::Test {
protected:
  void SetUp() override { cache_ = *make_temp_dir(fs::temp_directory_path(), "kcache-"); }
  void TearDown() override { fs::remove_all(cache_); }

  // Stages and commits an entry the way fetch_kernel does.
  CachedKernel add(const std::string& vmlinuz, const std::string& row) {
    auto staged = make_staging_dir(cache_);
    EXPECT_TRUE(staged.ok());
    testing::write_bytes(*staged / "vmlinuz", vmlinuz);
    testing::write_bytes(*staged / "config", "CONFIG_" + row + "=y\n");
    CacheEntryInfo info{row,
                        "pkg " + row,
                        "r",
                        std::string(64, '0'),
                        sha256_hex(vmlinuz),
                        sha256_hex("CONFIG_" + row + "=y\n")};
    EXPECT_TRUE(write_entry_info(*staged, info).ok());
    auto k = commit_entry(cache_, *staged, sha256_hex(vmlinuz));
    EXPECT_TRUE(k.ok()) << k.error().str();
    return *k;
  }
  fs::path cache_;
};
} // namespace

TEST_F(KernelCacheTest, ListsCommittedEntriesAndIgnoresStaging) {
  add("kernel A", "5.10");
  add("kernel B", "6.1");
  ASSERT_TRUE(make_staging_dir(cache_).ok()); // a crashed fetch's leftovers
  auto list = list_cached(cache_);
  ASSERT_TRUE(list.ok()) << list.error().str();
  ASSERT_EQ(list->size(), 2u);
  std::set<std::string> rows{(*list)[0].info.row, (*list)[1].info.row};
  EXPECT_EQ(rows, (std::set<std::string>{"5.10", "6.1"}));
  for (const auto& k : *list) {
    EXPECT_EQ(k.dir.filename().string(), k.info.vmlinuz_sha256);
    EXPECT_EQ(k.vmlinuz_bytes, 8u);
    EXPECT_TRUE(verify_cached(k).ok());
  }
}

TEST_F(KernelCacheTest, EmptyOrMissingCacheListsNothing) {
  auto list = list_cached(cache_ / "nothing-here");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(KernelCacheTest, VerifyDetectsCorruptVmlinuzAndConfig) {
  auto k = add("kernel A", "6.1");
  testing::write_bytes(k.config, "CONFIG_EDITED=y\n");
  auto r = verify_cached(k);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().what.find("config sha256 mismatch"), std::string::npos);
  testing::write_bytes(k.vmlinuz, "bit rot");
  r = verify_cached(k);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().what.find("vmlinuz sha256 mismatch: expected " + sha256_hex("kernel A") +
                                ", got " + sha256_hex("bit rot")),
            std::string::npos)
      << r.error().str();
}

TEST_F(KernelCacheTest, LookupRemovesDamagedEntry) {
  auto k = add("kernel A", "6.1");
  EXPECT_TRUE(lookup_cached(cache_, sha256_hex("kernel A")).has_value());
  testing::write_bytes(k.vmlinuz, "bit rot");
  EXPECT_FALSE(lookup_cached(cache_, sha256_hex("kernel A")).has_value());
  EXPECT_FALSE(fs::exists(k.dir));
  EXPECT_TRUE(fs::is_empty(kernels_cache_dir(cache_)));
}

TEST_F(KernelCacheTest, LosingACommitRaceKeepsTheWinner) {
  auto first = add("kernel A", "6.1");
  auto staged = *make_staging_dir(cache_);
  testing::write_bytes(staged / "vmlinuz", "kernel A");
  auto k = commit_entry(cache_, staged, sha256_hex("kernel A"));
  ASSERT_TRUE(k.ok()) << k.error().str();
  EXPECT_EQ(k->dir, first.dir);
  EXPECT_EQ(k->info.row, "6.1"); // the winner's metadata, not the loser's
  EXPECT_FALSE(fs::exists(staged));
}

} // namespace vmtest

namespace vmtest {

TEST(StageKernel, CommitsWhatFillLeavesAndNothingOnFailure) {
  const fs::path cache = *make_temp_dir(fs::temp_directory_path(), "kstage-");
  CacheEntryInfo info;
  info.row = "6.6";
  info.origin = "test";
  info.source_digest = "sha256:" + std::string(64, 'e');
  KernelDownload steps;
  steps.download = [](const fs::path& file) -> Result<void> {
    testing::write_bytes(file, "downloaded kernel");
    return {};
  };
  steps.extract = [](const fs::path& file, const fs::path& entry) -> Result<std::string> {
    fs::copy_file(file, entry / "vmlinuz");
    return std::string("6.6.57");
  };
  auto k = cache_kernel(cache, info, sha256_hex("downloaded kernel"), steps);
  ASSERT_TRUE(k.ok()) << k.error().str();
  EXPECT_EQ(k->info.release, "6.6.57");
  EXPECT_EQ(k->info.vmlinuz_sha256, sha256_hex("downloaded kernel"));
  EXPECT_FALSE(fs::exists(k->dir / "download")) << "scratch files are not kept";
  ASSERT_TRUE(find_cached_by_source(cache, info.source_digest).has_value());

  // A wrong vmlinuz, or a step that fails, leaves no entry and no staging directory.
  info.source_digest = "sha256:" + std::string(64, 'f');
  steps.download = [](const fs::path& file) -> Result<void> {
    testing::write_bytes(file, "other kernel");
    return {};
  };
  auto wrong = cache_kernel(cache, info, std::string(64, '0'), steps);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().what.find("vmlinuz sha256 mismatch"), std::string::npos);
  steps.download = [](const fs::path&) -> Result<void> { return Error{"404", "url"}; };
  EXPECT_FALSE(cache_kernel(cache, info, "", steps).ok());
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(cache / "kernels")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  fs::remove_all(cache);
}

} // namespace vmtest
