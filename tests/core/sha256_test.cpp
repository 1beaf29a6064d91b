// SPDX-License-Identifier: BSD-2-Clause
#include "core/sha256.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/fs.h"

namespace vmtest {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha1, KnownVectorsAndFile) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  auto dir = make_temp_dir(std::filesystem::temp_directory_path(), "sha1-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(write_file_atomic(*dir / "f", "abc").ok());
  auto h = sha1_file(*dir / "f");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, sha1_hex("abc"));
  std::filesystem::remove_all(*dir);
}

TEST(Sha256, FileMatchesBuffer) {
  auto dir = make_temp_dir(std::filesystem::temp_directory_path(), "sha-");
  ASSERT_TRUE(dir.ok());
  auto p = *dir / "f";
  ASSERT_TRUE(write_file_atomic(p, "abc").ok());
  auto h = sha256_file(p);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, sha256_hex("abc"));
  std::filesystem::remove_all(*dir);
}

TEST(Sha256, MissingFileIsAnErrorWithContext) {
  auto h = sha256_file("/nonexistent/vmtest/file");
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.error().str().find("/nonexistent/vmtest/file"), std::string::npos);
}

}  // namespace vmtest
