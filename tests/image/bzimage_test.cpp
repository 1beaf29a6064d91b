// SPDX-License-Identifier: BSD-2-Clause
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

namespace vmtest {
namespace {
// An arm64 Image: the 64-byte header with its magic at 0x38, and the banner somewhere in the
// (uncompressed) kernel, here across the 1 MiB block boundary the reader uses.
std::string fake_arm64_image(const std::string& banner, size_t at = (1 << 20) - 20) {
  std::string img(at + banner.size() + 4096, '\0');
  img.replace(0x38, 4, std::string("ARM\x64", 4));
  // A format string first, as kernels also carry "Linux version %s": not the banner.
  img.replace(0x400, 20, std::string("Linux version %s (\0\0", 20));
  img.replace(at, banner.size(), banner);
  return img;
}
} // namespace

TEST_F(BzImage, Arm64ImageIsRecognisedAndItsReleaseReadFromTheBanner) {
  const fs::path img = write(fake_arm64_image(
      "Linux version 6.1.0-56-cloud-arm64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP"));
  EXPECT_EQ(*kernel_image_arch(img), Arch::arm64);
  auto r = kernel_image_release(img);
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(*r, "6.1.0-56-cloud-arm64");
  // bzimage_release itself still wants a bzImage.
  EXPECT_FALSE(bzimage_release(img).ok());
}

TEST_F(BzImage, KernelImageArchTellsTheFormatsApart) {
  EXPECT_EQ(*kernel_image_arch(write(fake_bzimage("6.1.0 (x)"))), Arch::x86_64);
  EXPECT_EQ(*kernel_image_release(write(fake_bzimage("6.1.0-x (y)"))), "6.1.0-x");
  // A gzip-compressed Image (what some distributions ship) is neither.
  auto gz = kernel_image_arch(write(std::string("\x1f\x8b\x08\x00", 4) + std::string(100, 'x')));
  ASSERT_FALSE(gz.ok());
  EXPECT_NE(gz.error().what.find("neither an x86 bzImage nor an arm64 Image"), std::string::npos);
  auto no_banner = arm64_image_release(write(fake_arm64_image("no banner here")));
  ASSERT_FALSE(no_banner.ok());
  EXPECT_NE(no_banner.error().what.find("no \"Linux version\" banner"), std::string::npos);
}

} // namespace vmtest
