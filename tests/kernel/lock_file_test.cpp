// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "core/fs.h"
#include "kernel/lock_file.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
const fs::path kData = fs::path(VMTEST_TEST_DATA) / "kernel";
}

TEST(LockFile, LoadsPinsByRowAndKind) {
  auto lock = load_lock(kData / "lock-6.1.json");
  ASSERT_TRUE(lock.ok()) << lock.error().str();
  const auto p = lock->find("6.1", "debian");
  ASSERT_TRUE(p.is_object());
  EXPECT_EQ(p["package"], "linux-image-6.1.0-56-cloud-amd64");
  EXPECT_EQ(p["vmlinuz_sha256"],
            "51349501a3d1ff83836437d2b365fd2d57f2feb8642d315e5181dec23d4c3275");
  EXPECT_TRUE(lock->find("6.1", "oci").is_null());
  EXPECT_TRUE(lock->find("9.9", "debian").is_null());
  EXPECT_TRUE(lock->find("4.18", "local").is_object());
}

TEST(LockFile, MissingFileIsAnEmptyLock) {
  auto lock = load_lock(kData / "does-not-exist.json");
  ASSERT_TRUE(lock.ok());
  EXPECT_TRUE(lock->pins.empty());
}

TEST(LockFile, Format1IsReadAsOneSourcePerRow) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  ASSERT_TRUE(write_file_atomic(dir / "l.json", R"({"format":1,"kernels":{
      "6.1":{"package":"p","version":"1"},
      "6.6":{"oci_digest":"","vmlinuz_sha256":""}}})")
                  .ok());
  auto lock = load_lock(dir / "l.json");
  fs::remove_all(dir);
  ASSERT_TRUE(lock.ok()) << lock.error().str();
  EXPECT_EQ(lock->find("6.1", "debian")["package"], "p");
  EXPECT_TRUE(lock->find("6.6", "oci").is_object());
}

TEST(LockFile, MalformedFilesAreErrors) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  ASSERT_TRUE(write_file_atomic(dir / "fmt.json", R"({"format":3,"kernels":{}})").ok());
  ASSERT_TRUE(
      write_file_atomic(dir / "pin.json", R"({"format":2,"kernels":{"6.1":{"oci":7}}})").ok());
  ASSERT_TRUE(write_file_atomic(dir / "text.json", "not json").ok());
  auto fmt = load_lock(dir / "fmt.json");
  auto pin = load_lock(dir / "pin.json");
  auto text = load_lock(dir / "text.json");
  fs::remove_all(dir);
  ASSERT_FALSE(fmt.ok());
  EXPECT_NE(fmt.error().what.find("unsupported lock format"), std::string::npos);
  ASSERT_FALSE(pin.ok());
  EXPECT_NE(pin.error().str().find("kernel '6.1': the 'oci' pin must be an object"),
            std::string::npos)
      << pin.error().str();
  EXPECT_FALSE(text.ok());
}

// The format is compared as the JSON value it is: 4294967298 used to narrow to 2, 2.5 to 2,
// and a string threw a type_error out of the parser (fuzz/corpus/lock/format-*.json).
TEST(LockFile, FormatOutOfRangeOrOfAnotherTypeIsAnErrorNamingTheFile) {
  for (const char* format : {"4294967298", "2.5", "\"2\"", "-4294967294", "null"}) {
    auto lock = parse_lock(std::string(R"({"format":)") + format + R"(,"kernels":{}})",
                           "kernels/matrix.lock.json");
    ASSERT_FALSE(lock.ok()) << format;
    EXPECT_EQ(lock.error().context, "kernels/matrix.lock.json");
    EXPECT_NE(lock.error().what.find(std::string("unsupported lock format ") + format),
              std::string::npos)
        << lock.error().what;
  }
  // A pin nested 10 000 deep once overflowed the stack when it was copied.
  std::string deep = R"({"format":2,"kernels":{"6.1":{"debian":)";
  for (int i = 0; i < 10000; ++i)
    deep += R"({"a":)";
  deep += "1" + std::string(10000 + 3, '}');
  auto nested = parse_lock(deep, "kernels/matrix.lock.json");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().str().find("matrix.lock.json: not a lock file: nested deeper"),
            std::string::npos)
      << nested.error().str();

  auto ok = parse_lock(R"({"format":2,"kernels":{"6.1":{"debian":{"version":"1"}}}})", "l.json");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  EXPECT_EQ(ok->find("6.1", "debian")["version"], "1");
}

// save_lock must reproduce the committed file byte for byte, or every `vmtest kernels lock`
// run would reformat it.
TEST(LockFile, SaveRoundTripsTheCommittedLock) {
  const fs::path committed = fs::path(VMTEST_SOURCE_DIR) / "kernels/matrix.lock.json";
  auto lock = load_lock(committed);
  ASSERT_TRUE(lock.ok()) << lock.error().str();
  EXPECT_EQ(lock->pins.size(), 9u); // every pinned row; the canary has none until it runs
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  ASSERT_TRUE(save_lock(dir / "out.json", *lock).ok());
  auto out = read_file(dir / "out.json");
  fs::remove_all(dir);
  EXPECT_EQ(*out, *read_file(committed));
}

// What a first oci pull or a canary run records: one pin replaced, every other byte kept.
TEST(LockFile, RecordPinInLockChangesOnlyThatPin) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  const fs::path committed = fs::path(VMTEST_SOURCE_DIR) / "kernels/matrix.lock.json";
  fs::copy_file(committed, dir / "lock.json");
  const nlohmann::ordered_json pin = {{"oci_digest", "sha256:" + std::string(64, 'c')},
                                      {"vmlinuz_sha256", std::string(64, 'd')},
                                      {"provenance", "recorded on the first pull"}};
  ASSERT_TRUE(record_pin_in_lock(dir / "lock.json", "5.15", "oci", pin).ok());
  auto after = load_lock(dir / "lock.json");
  auto before = load_lock(committed);
  ASSERT_TRUE(after.ok() && before.ok());
  EXPECT_EQ(after->find("5.15", "oci"), pin);
  EXPECT_EQ(after->find("5.15", "local"), before->find("5.15", "local"));
  EXPECT_EQ(after->find("6.1", "debian"), before->find("6.1", "debian"));
  // A lock that does not exist yet becomes one holding just this pin.
  ASSERT_TRUE(record_pin_in_lock(dir / "new.json", "x", "oci", pin).ok());
  EXPECT_EQ(load_lock(dir / "new.json")->find("x", "oci"), pin);
  fs::remove_all(dir);
}

TEST(LockFile, SavedPinsKeepTheirFieldOrderAndNullPinsAreDropped) {
  auto dir = *make_temp_dir(fs::temp_directory_path(), "lock-");
  LockFile lock;
  lock.pins["6.6"]["oci"] = {{"oci_digest", ""}, {"vmlinuz_sha256", ""}};
  lock.pins["6.6"]["local"] = {{"vmlinuz_sha256", std::string(64, 'f')}, {"a_later_field", 1}};
  lock.pins["7.0"]["debian"] = nullptr;
  ASSERT_TRUE(save_lock(dir / "l.json", lock).ok());
  auto text = *read_file(dir / "l.json");
  auto back = load_lock(dir / "l.json");
  fs::remove_all(dir);
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_EQ(back->find("6.6", "local")["vmlinuz_sha256"], std::string(64, 'f'));
  EXPECT_LT(text.find("vmlinuz_sha256\": \"ffff"), text.find("a_later_field")) << text;
  EXPECT_LT(text.find("\"local\""), text.find("\"oci\"")) << "kinds sorted";
  EXPECT_EQ(text.find("7.0"), std::string::npos) << "a row without pins is not written";
}

} // namespace vmtest
