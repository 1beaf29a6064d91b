// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "fake_deb.h"
#include "kernel/deb_extract.h"

#include <cerrno>
#include <csignal>
#include <gtest/gtest.h>
#include <sys/resource.h>

namespace vmtest {
namespace fs = std::filesystem;
using testing::build_deb;
using testing::DataFilter;
using testing::DebFile;
using testing::kernel_files;
using testing::write_bytes;

namespace {
class DebExtractTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "debx-");
    fs::create_directories(dir_ / "out");
  }
  void TearDown() override { fs::remove_all(dir_); }
  Result<ExtractedKernel> extract(const std::string& deb_bytes) {
    write_bytes(dir_ / "k.deb", deb_bytes);
    return extract_kernel_from_deb(dir_ / "k.deb", dir_ / "out");
  }
  fs::path dir_;
};
} // namespace

TEST_F(DebExtractTest, ExtractsVmlinuzAndConfigFromEachCompression) {
  // Large enough to span many libarchive blocks.
  std::string vmlinuz(3 << 20, '\0');
  for (size_t i = 0; i < vmlinuz.size(); ++i)
    vmlinuz[i] = static_cast<char>((i * 131) ^ (i >> 9));
  for (auto filter : {DataFilter::xz, DataFilter::gzip, DataFilter::zstd}) {
    fs::remove_all(dir_ / "out");
    fs::create_directories(dir_ / "out");
    auto k = extract(build_deb(kernel_files("6.1.0-99-test", vmlinuz, "CONFIG_BPF=y\n"), filter));
    ASSERT_TRUE(k.ok()) << k.error().str();
    EXPECT_EQ(k->release, "6.1.0-99-test");
    EXPECT_EQ(k->vmlinuz, dir_ / "out" / "vmlinuz");
    EXPECT_EQ(*read_file(k->vmlinuz), vmlinuz);
    EXPECT_EQ(*read_file(k->config), "CONFIG_BPF=y\n");
    // Only the two files we asked for are written.
    int n = 0;
    for ([[maybe_unused]] auto& e : fs::directory_iterator(dir_ / "out"))
      ++n;
    EXPECT_EQ(n, 2);
  }
}

TEST_F(DebExtractTest, DotDotEntryIsRefusedAndNothingEscapes) {
  auto files = kernel_files("x", "kernel", "cfg");
  files.insert(files.begin(), DebFile{"../evil", "pwned"});
  auto k = extract(build_deb(files));
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().what.find("unsafe path '../evil'"), std::string::npos) << k.error().str();
  EXPECT_FALSE(fs::exists(dir_ / "evil"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "vmlinuz"));
}

TEST_F(DebExtractTest, DotDotLaterInThePathIsRefused) {
  auto files = kernel_files("x", "kernel", "cfg");
  files.push_back(DebFile{"./boot/../../evil", "pwned"});
  auto k = extract(build_deb(files));
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().what.find("unsafe path"), std::string::npos) << k.error().str();
}

TEST_F(DebExtractTest, AbsolutePathIsRefused) {
  auto files = kernel_files("x", "kernel", "cfg");
  files.push_back(DebFile{"/etc/evil", "pwned"});
  auto k = extract(build_deb(files));
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().what.find("unsafe path '/etc/evil'"), std::string::npos) << k.error().str();
}

TEST_F(DebExtractTest, MissingConfigIsAnError) {
  auto k = extract(build_deb({{"./boot/vmlinuz-x", "kernel"}}));
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().what.find("no boot/config-*"), std::string::npos) << k.error().str();
}

TEST_F(DebExtractTest, SymlinkedVmlinuzIsRefused) {
  auto k =
      extract(build_deb({{"./boot/config-x", "cfg"}, {"./boot/vmlinuz-x", "/etc/shadow", true}}));
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().what.find("not a regular file"), std::string::npos) << k.error().str();
}

TEST_F(DebExtractTest, NotADebIsAnError) {
  auto k = extract("this is not an ar archive at all");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().context.find("k.deb"), std::string::npos);
}

} // namespace vmtest

namespace vmtest {

// Issue 24: a fetch into a full cache disk said "write failed (No such file or directory)". A
// full disk first shortens a write, which sets no errno, and the ENOENT left by unlinking the
// destination was reported. RLIMIT_FSIZE makes the same short-then-failing writes without a
// full disk: the error must carry the real cause (EFBIG here, ENOSPC on a full disk).
TEST_F(DebExtractTest, AWriteCutShortReportsTheRealErrno) {
  std::string vmlinuz;
  for (int i = 0; i < 300000; ++i)
    vmlinuz += static_cast<char>((static_cast<unsigned>(i) * 7919u) >> 3); // no signed overflow
  write_bytes(dir_ / "k.deb", build_deb(kernel_files("6.1.0-test", vmlinuz, "CONFIG_BPF=y\n")));
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 100000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto r = extract_kernel_from_deb(dir_ / "k.deb", dir_ / "out");
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sys_errno, EFBIG) << r.error().str();
  EXPECT_EQ(r.error().str().find("No such file"), std::string::npos) << r.error().str();
}

} // namespace vmtest
