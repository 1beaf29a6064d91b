// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"

#include <atomic>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

// Counts fsync calls: the code under test is linked statically into this binary, so its calls
// bind to this definition, which passes them on to libc's.
namespace {
std::atomic<int> g_fsyncs{0};
}
extern "C" int fsync(int fd) {
  ++g_fsyncs;
  static const auto real = reinterpret_cast<int (*)(int)>(dlsym(RTLD_NEXT, "fsync"));
  return real ? real(fd) : 0;
}

namespace vmtest {
namespace fs = std::filesystem;

class FsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "fs-"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FsTest, AtomicWriteReplacesWholeFileAndLeavesNoTemp) {
  auto p = dir_ / "sub" / "a.json";
  ASSERT_TRUE(write_file_atomic(p, "old").ok());
  ASSERT_TRUE(write_file_atomic(p, "new contents").ok());
  EXPECT_EQ(*read_file(p), "new contents");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(p.parent_path())) ++entries;
  EXPECT_EQ(entries, 1);
  EXPECT_EQ(fs::status(p).permissions() & fs::perms::others_read, fs::perms::others_read);
}

// What a user keeps is flushed before it replaces the old file; a run's own outputs, rewritten
// by the next run, are replaced just as atomically but not flushed (an fsync each cost the
// host-mode run 0.5-1 ms, seven times).
TEST_F(FsTest, OnlySyncedWritesAreFlushed) {
  auto p = dir_ / "out.json";
  const int before = g_fsyncs;
  ASSERT_TRUE(write_file_atomic(p, "kept").ok());
  EXPECT_EQ(g_fsyncs - before, 1);
  ASSERT_TRUE(write_file_atomic(p, "run output", Durability::Replace).ok());
  EXPECT_EQ(g_fsyncs - before, 1);
  EXPECT_EQ(*read_file(p), "run output");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FsTest, WriteIntoUnwritablePlaceFailsAndKeepsOldFile) {
  auto p = dir_ / "keep";
  ASSERT_TRUE(write_file_atomic(p, "precious").ok());
  // /proc refuses new files: the error must name the path and the old file stays intact.
  auto r = write_file_atomic("/proc/vmtest-cannot-exist/x", "data");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("/proc/vmtest-cannot-exist"), std::string::npos);
  EXPECT_EQ(*read_file(p), "precious");
}

TEST_F(FsTest, FullDiskIsReportedAsAnError) {
  // /dev/full fails every write with ENOSPC, as a full disk does.
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "/dev/full missing";
  auto r = write_file_atomic("/dev/full", "data");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sys_errno, ENOSPC);
  EXPECT_NE(r.error().str().find("/dev/full"), std::string::npos);
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

TEST_F(FsTest, SpecialFilesAreWrittenThroughNotReplaced) {
  // A FIFO stands in for /dev/null: the rename trick would turn it into a regular file.
  auto fifo = dir_ / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] {
    std::ifstream in(fifo);
    got.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  });
  auto r = write_file_atomic(fifo, "through the pipe");
  reader.join();
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(got, "through the pipe");
  EXPECT_TRUE(fs::is_fifo(fifo)) << "the FIFO was replaced";
}

TEST_F(FsTest, CacheDirHonoursOverride) {
  setenv("VMTEST_CACHE", "/tmp/vmtest-cache-override", 1);
  EXPECT_EQ(default_cache_dir(), fs::path("/tmp/vmtest-cache-override"));
  unsetenv("VMTEST_CACHE");
  setenv("HOME", "/home/someone", 1);
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(default_cache_dir(), fs::path("/home/someone/.cache/vmtest"));
}

TEST_F(FsTest, ReadMissingFileNamesIt) {
  auto r = read_file(dir_ / "missing");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("missing"), std::string::npos);
  EXPECT_EQ(r.error().sys_errno, ENOENT);
}

}  // namespace vmtest
