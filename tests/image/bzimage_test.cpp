#include "core/fs.h"
#include "image/bzimage.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
// The part of an x86 boot header bzimage_release reads.
std::string fake_bzimage(const std::string& version) {
  std::string img(0x1000, '\0');
  img.replace(0x202, 4, "HdrS");
  unsigned ptr = 0x600; // string at 0x800
  img[0x20E] = static_cast<char>(ptr & 0xff);
  img[0x20F] = static_cast<char>(ptr >> 8);
  img.replace(0x800, version.size(), version);
  return img;
}

class BzImage : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "bz-"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& data) {
    EXPECT_TRUE(write_file_atomic(dir_ / "vmlinuz", data).ok());
    return dir_ / "vmlinuz";
  }
  fs::path dir_;
};
} // namespace

TEST_F(BzImage, ReleaseIsTheFirstWordOfTheVersionString) {
  auto r = bzimage_release(write(fake_bzimage(
      "6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC")));
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(*r, "6.1.0-56-cloud-amd64");
}

TEST_F(BzImage, NotABzImage) {
  auto r = bzimage_release(write(std::string(0x1000, 'x')));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("HdrS"), std::string::npos);
  EXPECT_FALSE(bzimage_release(dir_ / "missing").ok());
}

TEST_F(BzImage, UnsetVersionPointer) {
  std::string img = fake_bzimage("x");
  img[0x20E] = img[0x20F] = 0;
  EXPECT_FALSE(bzimage_release(write(img)).ok());
}

} // namespace vmtest
