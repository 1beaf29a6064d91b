#include "core/fs.h"
#include "kernel/lock_file.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
const fs::path kData = fs::path(VMTEST_TEST_DATA) / "kernel";
}

TEST(LockFile, LoadsPins) {
  auto lock = load_lock(kData / "lock-6.1.json");
  ASSERT_TRUE(lock.ok()) << lock.error().str();
  ASSERT_EQ(lock->pins.count("6.1"), 1u);
  const DebPin& p = lock->pins.at("6.1");
  EXPECT_EQ(p.package, "linux-image-6.1.0-56-cloud-amd64");
  EXPECT_EQ(p.deb_sha256, "e7d02b943971edcb8790e256c02cfab3bca6c3d37c1bf25392a57c71300615ee");
  EXPECT_EQ(p.vmlinuz_sha256, "51349501a3d1ff83836437d2b365fd2d57f2feb8642d315e5181dec23d4c3275");
}

TEST(LockFile, MissingFileIsAnEmptyLock) {
  auto lock = load_lock(kData / "does-not-exist.json");
  ASSERT_TRUE(lock.ok());
  EXPECT_TRUE(lock->pins.empty());
}

TEST(LockFile, MalformedHashIsAnError) {
  auto lock = load_lock(kData / "lock-bad-sha.json");
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.error().context.find("kernel '6.1'"), std::string::npos) << lock.error().str();
  EXPECT_NE(lock.error().what.find("sha256"), std::string::npos);
}

TEST(LockFile, MissingFieldIsNamed) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  ASSERT_TRUE(write_file_atomic(dir / "l.json",
                                R"({"format":1,"kernels":{"6.1":{"package":"p","version":"1"}}})")
                  .ok());
  auto lock = load_lock(dir / "l.json");
  fs::remove_all(dir);
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.error().what.find("'filename'"), std::string::npos) << lock.error().str();
}

// save_lock must reproduce the committed file byte for byte, or every `vmtest kernels lock`
// run would reformat it.
TEST(LockFile, SaveRoundTripsTheCommittedLock) {
  const fs::path committed = fs::path(VMTEST_SOURCE_DIR) / "kernels/matrix.lock.json";
  auto lock = load_lock(committed);
  ASSERT_TRUE(lock.ok()) << lock.error().str();
  EXPECT_EQ(lock->pins.size(), 3u);
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  ASSERT_TRUE(save_lock(dir / "out.json", *lock).ok());
  auto out = read_file(dir / "out.json");
  fs::remove_all(dir);
  EXPECT_EQ(*out, *read_file(committed));
}

TEST(LockFile, OciPinsRoundTripAndMayBeExplicitlyEmpty) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  LockFile lock;
  lock.oci["4.18"] = OciPin{};
  lock.oci["6.6"] = OciPin{"sha256:" + std::string(64, 'e'), std::string(64, 'f')};
  ASSERT_TRUE(save_lock(dir / "l.json", lock).ok());
  auto back = load_lock(dir / "l.json");
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_TRUE(back->oci.at("4.18").manifest_digest.empty());
  EXPECT_EQ(back->oci.at("6.6").vmlinuz_sha256, std::string(64, 'f'));
  ASSERT_TRUE(write_file_atomic(dir / "bad.json",
                                R"({"format":1,"kernels":{"6.6":{"oci_digest":"sha256:xyz"}}})")
                  .ok());
  auto bad = load_lock(dir / "bad.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().what.find("oci_digest"), std::string::npos);
  fs::remove_all(dir);
}

} // namespace vmtest
