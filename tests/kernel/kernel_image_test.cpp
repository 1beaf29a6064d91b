// SPDX-License-Identifier: BSD-2-Clause
// The row-level stage: a row's sources tried in order, with fakes for the sources themselves
// and one row of real local + oci sources against a fake registry.
#include "core/file_lock.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "fake_http.h"
#include "kernel/kernel_image.h"
#include "kernel/local_source.h"
#include "kernel/oci_source.h"

#include <fstream>
#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

// A source that answers from its fields and counts what was asked of it.
class FakeSource : public KernelSource {
public:
  FakeSource(std::string kind, std::string why = "")
      : KernelSource("x"), kind_(std::move(kind)), why_(std::move(why)) {}
  std::string kind() const override { return kind_; }
  std::string describe() const override { return "fake " + kind_; }
  std::string pin_summary() const override { return "-"; }
  std::optional<KernelImage> cached(const FetchContext&) const override { return cached_; }
  std::string unavailable_reason(const FetchContext&) const override {
    ++asked;
    return why_;
  }
  Result<KernelImage> fetch(const FetchContext&) const override {
    ++fetches;
    if (fail_) return Error{"sha256 mismatch", "kernel 'x'"};
    KernelImage img;
    img.name = "x";
    img.sha256 = kind_;
    return img;
  }
  std::string kind_, why_;
  std::optional<KernelImage> cached_;
  bool fail_ = false;
  mutable int asked = 0, fetches = 0;
};

KernelRow row_of(std::vector<std::shared_ptr<FakeSource>> sources) {
  KernelRow row;
  row.name = "x";
  for (auto& s : sources)
    row.sources.push_back(s);
  return row;
}

} // namespace

TEST(FetchRow, FirstAvailableSourceWinsAndIsNamed) {
  auto a = std::make_shared<FakeSource>("local", "set VMTEST_KERNEL_DIR");
  auto b = std::make_shared<FakeSource>("oci");
  auto c = std::make_shared<FakeSource>("url");
  RowFetch got = fetch_row(row_of({a, b, c}), FetchContext{});
  ASSERT_EQ(got.status, FetchStatus::fetched);
  EXPECT_EQ(got.image->sha256, "oci");
  EXPECT_EQ(got.image->source_kind, "oci");
  EXPECT_EQ(got.image->source_description, "fake oci");
  EXPECT_EQ(a->fetches, 0);
  EXPECT_EQ(c->asked + c->fetches, 0) << "later sources are never consulted";
}

TEST(FetchRow, ACachedImageNeedsNoAvailabilityCheck) {
  auto a = std::make_shared<FakeSource>("local", "set VMTEST_KERNEL_DIR");
  auto b = std::make_shared<FakeSource>("oci", "registry unreachable");
  b->cached_ = KernelImage{};
  b->cached_->sha256 = "cached";
  b->cached_->from_cache = true;
  RowFetch got = fetch_row(row_of({a, b}), FetchContext{});
  ASSERT_EQ(got.status, FetchStatus::fetched);
  EXPECT_EQ(got.image->sha256, "cached");
  EXPECT_TRUE(got.image->from_cache);
  EXPECT_EQ(b->asked, 0) << "an offline machine still uses what it has";
}

TEST(FetchRow, NoAvailableSourceGivesEveryReasonOnOneLine) {
  auto a = std::make_shared<FakeSource>("local", "set VMTEST_KERNEL_DIR");
  auto b = std::make_shared<FakeSource>("oci", "registry https://quay.io is unreachable");
  RowFetch got = fetch_row(row_of({a, b}), FetchContext{});
  ASSERT_EQ(got.status, FetchStatus::unavailable);
  EXPECT_EQ(got.reason, "not available here: local: set VMTEST_KERNEL_DIR; oci: registry "
                        "https://quay.io is unreachable");
  EXPECT_EQ(got.reason.find('\n'), std::string::npos);
  EXPECT_EQ(a->fetches + b->fetches, 0);
}

TEST(FetchRow, AFailingSourceIsTheRowsErrorNeverAFallback) {
  auto a = std::make_shared<FakeSource>("local");
  a->fail_ = true;
  auto b = std::make_shared<FakeSource>("oci");
  RowFetch got = fetch_row(row_of({a, b}), FetchContext{});
  ASSERT_EQ(got.status, FetchStatus::failed);
  EXPECT_EQ(got.error.str(), "kernel 'x': sha256 mismatch");
  EXPECT_EQ(b->asked + b->fetches, 0) << "a bad image must not be swapped for another kernel";
}

// The committed shape of the 4.18/5.15/6.6 rows: local first, then the public catalogue.
class LocalThenOci : public ::testing::Test {
protected:
  void SetUp() override {
    root_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-row-");
    fs::create_directories(root_ / "k/6.6");
    std::ofstream(root_ / "k/6.6/bzImage") << "local 6.6";
    row_.name = "6.6";
    row_.sources.push_back(
        std::make_shared<LocalSource>("6.6", "6.6", LocalPin{sha256_hex("local 6.6"), "", ""}));
    row_.sources.push_back(std::make_shared<OciSource>(
        "6.6", OciRef{"quay.io", "lvh-images/kernel-images", "6.6-main"}, OciPin{}));
  }
  void TearDown() override { fs::remove_all(root_); }
  FetchContext ctx() {
    FetchContext c;
    c.cache_dir = root_ / "cache";
    c.http = &http_;
    c.env = [](const std::string&) { return std::string(); };
    c.unreachable = unreachable_;
    return c;
  }
  fs::path root_;
  testing::FakeHttp http_;
  std::shared_ptr<UnreachableHosts> unreachable_ = std::make_shared<UnreachableHosts>();
  KernelRow row_;
};

TEST_F(LocalThenOci, LocalImageBootsWithoutTouchingTheNetwork) {
  auto c = ctx();
  c.kernel_dir = root_ / "k";
  RowFetch got = fetch_row(row_, c);
  ASSERT_EQ(got.status, FetchStatus::fetched) << got.reason << got.error.str();
  EXPECT_EQ(got.image->source_kind, "local");
  EXPECT_EQ(got.image->source_description, "$VMTEST_KERNEL_DIR/6.6");
  EXPECT_TRUE(http_.connects.empty());
}

TEST_F(LocalThenOci, OfflineWithoutLocalImagesNamesBothReasonsAfterOneConnect) {
  http_.unreachable.insert("https://quay.io");
  RowFetch got = fetch_row(row_, ctx());
  ASSERT_EQ(got.status, FetchStatus::unavailable);
  EXPECT_EQ(got.reason,
            "not available here: local: set VMTEST_KERNEL_DIR (or --kernel-dir) to a directory "
            "holding 6.6/bzImage; oci: registry https://quay.io is unreachable (Could not "
            "resolve host)");
  // The next rows of the same run (5.15, 4.18) reuse the verdict.
  RowFetch again = fetch_row(row_, ctx());
  EXPECT_EQ(again.reason, got.reason);
  EXPECT_EQ(http_.connects.size(), 1u);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(LocalThenOci, ReachableRegistryIsTriedWhenTheLocalImageIsMissing) {
  // The registry answers, but has no such tag: that is a real error, not "unavailable".
  RowFetch got = fetch_row(row_, ctx());
  ASSERT_EQ(got.status, FetchStatus::failed);
  EXPECT_NE(got.error.str().find("https://quay.io/v2/lvh-images/kernel-images/manifests/6.6-main"),
            std::string::npos)
      << got.error.str();
}

} // namespace vmtest

namespace vmtest {
namespace {

// A source that checks, while it fetches, that another process could not start the same fetch
// (every lock file under <cache>/locks is busy), and whose cache fills up while it "waits".
class LockCheckingSource : public FakeSource {
public:
  explicit LockCheckingSource(fs::path cache) : FakeSource("url"), cache_(std::move(cache)) {}
  std::optional<KernelImage> cached(const FetchContext&) const override {
    return ++lookups > hit_after ? std::optional<KernelImage>(KernelImage{}) : std::nullopt;
  }
  Result<KernelImage> fetch(const FetchContext& c) const override {
    for (const auto& e : fs::directory_iterator(cache_ / "locks"))
      locks_busy = locks_busy && !FileLock::try_acquire(e.path(), "x").ok();
    auto img = FakeSource::fetch(c);
    img->replaced_damaged = replaced;
    return img;
  }
  fs::path cache_;
  int hit_after = 1000;
  std::string replaced;
  mutable int lookups = 0;
  mutable bool locks_busy = true;
};

} // namespace

TEST(FetchRow, FetchesUnderALockAndSaysOnceWhenADamagedEntryWasReplaced) {
  const fs::path cache = *make_temp_dir(fs::temp_directory_path(), "fetchrow-");
  auto s = std::make_shared<LockCheckingSource>(cache);
  s->replaced = "no readable image.json";
  FetchContext c;
  c.cache_dir = cache;
  std::vector<std::string> said;
  c.log = [&](const std::string& l) { said.push_back(l); };
  KernelRow row;
  row.name = "x";
  row.sources.push_back(s);
  RowFetch got = fetch_row(row, c);
  ASSERT_EQ(got.status, FetchStatus::fetched) << got.error.str();
  EXPECT_EQ(s->fetches, 1);
  EXPECT_TRUE(s->locks_busy) << "the fetch ran without holding its lock";
  EXPECT_EQ(said, (std::vector<std::string>{
                      "kernel 'x': replaced a damaged cache entry (no readable image.json)"}));
  fs::remove_all(cache);
}

TEST(FetchRow, TheCacheIsCheckedAgainOnceTheLockIsHeld) {
  // Another process fetched the kernel while this one waited for the lock: no second fetch.
  const fs::path cache = *make_temp_dir(fs::temp_directory_path(), "fetchrow-");
  auto s = std::make_shared<LockCheckingSource>(cache);
  s->hit_after = 1;
  FetchContext c;
  c.cache_dir = cache;
  KernelRow row;
  row.name = "x";
  row.sources.push_back(s);
  RowFetch got = fetch_row(row, c);
  ASSERT_EQ(got.status, FetchStatus::fetched);
  EXPECT_EQ(s->lookups, 2);
  EXPECT_EQ(s->fetches, 0);
  fs::remove_all(cache);
}

} // namespace vmtest
