// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_deb.h"
#include "kernel/kernel_cache.h"

#include <gtest/gtest.h>
#include <map>
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

// Issue 24: `kernels verify` re-hashed the kernel and missed anything else in the entry.
TEST_F(KernelCacheTest, VerifyFlagsAStrayFileInAnEntry) {
  auto k = add("kernel A", "6.1");
  ASSERT_TRUE(verify_cached(k).ok());
  testing::write_bytes(k.dir / "initrd.img", "not ours");
  auto r = verify_cached(k);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().what.find("unexpected file 'initrd.img'"), std::string::npos)
      << r.error().str();
  fs::remove(k.dir / "initrd.img");
  fs::create_directory(k.dir / "sub");
  EXPECT_FALSE(verify_cached(k).ok());
}

TEST_F(KernelCacheTest, LookupMissesADamagedEntryButNeverDeletesIt) {
  auto k = add("kernel A", "6.1");
  EXPECT_TRUE(lookup_cached(cache_, sha256_hex("kernel A")).has_value());
  testing::write_bytes(k.vmlinuz, "bit rot");
  EXPECT_FALSE(lookup_cached(cache_, sha256_hex("kernel A")).has_value());
  // Inspect commands go through lookup too: reading must not change the cache.
  EXPECT_TRUE(fs::exists(k.dir / "image.json"));
  EXPECT_EQ(*read_file(k.vmlinuz), "bit rot");
  EXPECT_NE(entry_damage(k.dir).find("vmlinuz sha256 mismatch"), std::string::npos);
}

TEST_F(KernelCacheTest, CommitReplacesADamagedEntryAndSaysWhy) {
  auto k = add("kernel A", "6.1");
  fs::remove(k.dir / "image.json");
  auto staged = *make_staging_dir(cache_);
  testing::write_bytes(staged / "vmlinuz", "kernel A");
  CacheEntryInfo info;
  info.row = "6.1";
  info.origin = "again";
  ASSERT_TRUE(write_entry_info(staged, info).ok());
  auto again = commit_entry(cache_, staged, sha256_hex("kernel A"));
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_EQ(again->dir, k.dir);
  EXPECT_EQ(again->info.origin, "again");
  EXPECT_NE(again->replaced_damaged.find("no readable image.json"), std::string::npos)
      << again->replaced_damaged;
  EXPECT_EQ(entry_damage(k.dir), "");
  // Nothing of the damaged copy or the staging is left beside the entry.
  auto slots = scan_cache(cache_);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->size(), 1u);
}

TEST_F(KernelCacheTest, ScanNamesEveryDamagedSlotAndSurvivesASymlinkLoop) {
  add("kernel A", "5.10");
  auto b = add("kernel B", "6.1");
  fs::remove(b.dir / "image.json");
  const fs::path root = kernels_cache_dir(cache_);
  fs::create_directory_symlink(root / "loop", root / "loop"); // ELOOP when followed
  fs::create_directory(root / "not-a-sha");
  testing::write_bytes(root / std::string(64, 'a'), "a file, not an entry");
  auto slots = scan_cache(cache_);
  ASSERT_TRUE(slots.ok()) << slots.error().str();
  std::map<std::string, std::string> damage;
  for (const auto& s : *slots)
    damage[s.path.filename().string()] = s.entry ? "ok" : s.damage;
  EXPECT_EQ(damage.size(), 5u);
  EXPECT_EQ(damage[sha256_hex("kernel A")], "ok");
  EXPECT_NE(damage[sha256_hex("kernel B")].find("no readable image.json"), std::string::npos);
  EXPECT_NE(damage["loop"].find("cannot reach it"), std::string::npos) << damage["loop"];
  EXPECT_EQ(damage["not-a-sha"], "name is not a vmlinuz sha256");
  EXPECT_EQ(damage[std::string(64, 'a')], "not a directory");
  auto list = list_cached(cache_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(KernelCacheTest, ASecondSourceOfTheSameKernelIsRecordedAndFoundByItsOwnDigest) {
  // Two url rows: one serves a bare bzImage, the other a tarball holding the same bzImage.
  auto commit_from = [&](const std::string& row, const std::string& digest) {
    auto staged = *make_staging_dir(cache_);
    testing::write_bytes(staged / "vmlinuz", "kernel A");
    CacheEntryInfo info;
    info.row = row;
    info.origin = "url http://h/" + row;
    info.source_digest = digest;
    EXPECT_TRUE(write_entry_info(staged, info).ok());
    auto k = commit_entry(cache_, staged, sha256_hex("kernel A"));
    EXPECT_TRUE(k.ok()) << k.error().str();
    return *k;
  };
  const std::string da = "sha256:" + std::string(64, '1'), db = "sha256:" + std::string(64, '2');
  auto a = commit_from("a", da);
  auto b = commit_from("b", db);
  EXPECT_EQ(a.dir, b.dir);
  EXPECT_EQ(b.info.origin, "url http://h/b");
  auto again = commit_from("b", db); // a re-fetch does not record b twice
  EXPECT_EQ(again.dir, a.dir);
  auto hit_a = find_cached_by_source(cache_, da), hit_b = find_cached_by_source(cache_, db);
  ASSERT_TRUE(hit_a && hit_b);
  EXPECT_EQ(hit_a->info.origin, "url http://h/a");
  EXPECT_EQ(hit_a->info.row, "a");
  EXPECT_EQ(hit_b->info.origin, "url http://h/b");
  EXPECT_EQ(hit_b->info.row, "b");
  EXPECT_EQ(hit_b->sources,
            (std::vector<EntrySource>{{"a", "url http://h/a", da}, {"b", "url http://h/b", db}}));
}

TEST_F(KernelCacheTest, ImageJsonWithWrongTypesReadsAsEmptyFieldsNotAnException) {
  auto k = add("kernel A", "6.1");
  testing::write_bytes(k.dir / "image.json", R"({"row": 5, "origin": ["x"], "sources": 7})");
  auto e = read_entry(k.dir);
  ASSERT_TRUE(e.ok()) << e.error().str();
  EXPECT_EQ(e->info.row, "");
  ASSERT_EQ(e->sources.size(), 1u);
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

namespace vmtest {
namespace {
namespace fs = std::filesystem;

// A staging folder as a killed fetch leaves it: files, a released lock, an old mtime.
fs::path leftover(const fs::path& cache, const std::string& name, bool with_lock, int age_s) {
  const fs::path dir = kernels_cache_dir(cache) / name;
  fs::create_directories(dir / "download");
  testing::write_bytes(dir / "download" / "linux.deb", std::string(2 * 1024 * 1024, 'x'));
  if (with_lock) testing::write_bytes(dir / kStagingLock, "");
  fs::last_write_time(dir, fs::file_time_type::clock::now() - std::chrono::seconds(age_s));
  return dir;
}
} // namespace

TEST(StagingLeftovers, ASweepRemovesOnlyWhatNoLiveFetchHolds) {
  const fs::path cache = *make_temp_dir(fs::temp_directory_path(), "kcache-sweep-");
  const fs::path dead = leftover(cache, ".tmp-dead", true, 3600);
  const fs::path trash = leftover(cache, ".tmp-trash", false, 3600);
  const fs::path fresh = leftover(cache, ".tmp-fresh", true, 5);
  const fs::path running = leftover(cache, ".tmp-running", true, 3600);
  // Another fetch still works in `running`: it holds the lock (flock conflicts between two
  // opens of the file, even in one process).
  auto held = FileLock::try_acquire(running / kStagingLock, "test");
  ASSERT_TRUE(held.ok()) << held.error().str();

  auto seen = staging_leftovers(cache, kStagingGrace);
  ASSERT_EQ(seen.size(), 3u); // the fresh one is too young to judge
  EXPECT_GE(seen[0].bytes, 2u * 1024 * 1024);
  EXPECT_TRUE(fs::exists(dead)) << "listing must not delete";

  auto gone = sweep_staging_leftovers(cache, kStagingGrace);
  std::set<std::string> names;
  for (const auto& g : gone)
    names.insert(g.path.filename().string());
  EXPECT_EQ(names, (std::set<std::string>{".tmp-dead", ".tmp-trash"}));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_FALSE(fs::exists(trash));
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_TRUE(fs::exists(running / "download" / "linux.deb"));
  fs::remove_all(cache);
}

TEST(StagingLeftovers, AStagingDirHoldsItsLockUntilItIsGone) {
  const fs::path cache = *make_temp_dir(fs::temp_directory_path(), "kcache-sweep-");
  auto dir = make_staging_dir(cache);
  ASSERT_TRUE(dir.ok());
  {
    StagingDir guard(*dir);
    fs::last_write_time(*dir, fs::file_time_type::clock::now() - std::chrono::hours(1));
    EXPECT_TRUE(sweep_staging_leftovers(cache, kStagingGrace).empty());
    EXPECT_TRUE(fs::exists(*dir));
  }
  EXPECT_FALSE(fs::exists(*dir));
  fs::remove_all(cache);
}

} // namespace vmtest
