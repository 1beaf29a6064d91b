// SPDX-License-Identifier: BSD-2-Clause
#include "test_paths.h"
#include "image/shared_libs.h"

#include <algorithm>
#include <elf.h>
#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
bool has_file_named(const std::vector<fs::path>& v, const std::string& name) {
  return std::any_of(v.begin(), v.end(), [&](const fs::path& p) { return p.filename() == name; });
}
} // namespace

TEST(SharedLibs, ReadsInterpreterAndNeededOfADynamicBinary) {
  auto d = read_elf_deps("/bin/sh");
  ASSERT_TRUE(d.ok()) << d.error().str();
  EXPECT_EQ(d->interpreter, "/lib64/ld-linux-x86-64.so.2");
  EXPECT_NE(std::find(d->needed.begin(), d->needed.end(), "libc.so.6"), d->needed.end());
}

TEST(SharedLibs, StaticBinaryNeedsNothing) {
  fs::path agent = VMTEST_BINARY_DIR "/harness/vmtest-guest";
  std::error_code ec;
  if (!fs::exists(agent, ec)) GTEST_SKIP() << "vmtest-guest not built";
  auto libs = runtime_libraries(agent);
  ASSERT_TRUE(libs.ok()) << libs.error().str();
  EXPECT_TRUE(libs->empty());
}

TEST(SharedLibs, NotAnElfIsAnErrorNamingTheFile) {
  auto d = read_elf_deps(VMTEST_TEST_DATA "/capabilities/6.1.json");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().str().find("6.1.json"), std::string::npos);
  EXPECT_NE(d.error().str().find("not an ELF"), std::string::npos);
}

TEST(SharedLibs, BpftoolNeedsItsLibrariesTransitively) {
  std::error_code ec;
  if (!fs::exists("/usr/sbin/bpftool", ec)) GTEST_SKIP() << "no bpftool";
  auto libs = runtime_libraries("/usr/sbin/bpftool");
  ASSERT_TRUE(libs.ok()) << libs.error().str();
  for (const char* n :
       {"ld-linux-x86-64.so.2", "libc.so.6", "libelf.so.1", "libz.so.1", "libcap.so.2"})
    EXPECT_TRUE(has_file_named(*libs, n)) << n;
  for (const auto& l : *libs)
    EXPECT_TRUE(l.is_absolute()) << l;
}

// Debian's arm64 bpftool, unpacked by scripts/install-deps.sh: its libraries come from the
// arm64 multiarch directory, never from the host's own (which hold x86 files of the same names).
TEST(SharedLibs, AnArm64BinaryGetsArm64Libraries) {
  const fs::path bpftool = "/usr/local/lib/vmtest/aarch64/bpftool";
  std::error_code ec;
  if (!fs::exists(bpftool, ec)) GTEST_SKIP() << "no arm64 bpftool (scripts/install-deps.sh)";
  EXPECT_EQ(read_elf_deps(bpftool)->machine, EM_AARCH64);
  auto libs = runtime_libraries(bpftool);
  ASSERT_TRUE(libs.ok()) << libs.error().str();
  for (const char* n : {"ld-linux-aarch64.so.1", "libc.so.6", "libelf.so.1", "libcap.so.2"})
    EXPECT_TRUE(has_file_named(*libs, n)) << n;
  for (const auto& l : *libs)
    if (l.filename() != "ld-linux-aarch64.so.1")
      EXPECT_NE(l.string().find("aarch64-linux-gnu"), std::string::npos) << l;
  // Pointed at the host's directories, it finds x86 libraries and says so.
  auto wrong = runtime_libraries(bpftool, library_dirs(Arch::x86_64));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().what.find("is built for ELF machine 62"), std::string::npos)
      << wrong.error().str();
}

TEST(SharedLibs, ASonameFoundNowhereIsAnError) {
  auto libs = runtime_libraries("/bin/sh", {"/nonexistent"});
  ASSERT_FALSE(libs.ok());
  EXPECT_NE(libs.error().str().find("needs libc.so.6"), std::string::npos) << libs.error().str();
}

} // namespace vmtest
