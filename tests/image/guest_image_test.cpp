// SPDX-License-Identifier: BSD-2-Clause
// The capability-probe part of the guest image: bpftool, its libraries and kernel configs.
#include "test_paths.h"
#include "core/fs.h"
#include "image/guest_image.h"
#include "image/shared_libs.h"

#include <archive.h>
#include <archive_entry.h>
#include <cstdlib>
#include <gtest/gtest.h>
#include <map>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> cpio_files(const fs::path& p) {
  std::map<std::string, std::string> out;
  archive* a = archive_read_new();
  archive_read_support_format_cpio(a);
  EXPECT_EQ(archive_read_open_filename(a, p.c_str(), 65536), ARCHIVE_OK);
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string data;
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
      data.append(buf, static_cast<size_t>(n));
    out[archive_entry_pathname(e)] = archive_entry_filetype(e) == AE_IFDIR ? "<dir>" : data;
  }
  archive_read_free(a);
  return out;
}

std::string fake_bzimage(const std::string& version) {
  std::string img(0x1000, '\0');
  img.replace(0x202, 4, "HdrS");
  img[0x20E] = 0x00;
  img[0x20F] = 0x06; // string at 0x800
  img.replace(0x800, version.size(), version);
  return img;
}

class GuestImageCaps : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "gimg-");
    ASSERT_TRUE(write_file_atomic(dir_ / "agent", "AGENT").ok());
    spec_.agent = dir_ / "agent";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  GuestImageSpec spec_;
};

} // namespace

TEST_F(GuestImageCaps, WithoutBpftoolTheManifestAsksForNoProbe) {
  ASSERT_TRUE(build_guest_image(spec_, dir_ / "g.cpio").ok());
  auto files = cpio_files(dir_ / "g.cpio");
  EXPECT_FALSE(files.count("usr/sbin/bpftool"));
  EXPECT_TRUE(guest_manifest(spec_).bpftool.empty());
}

TEST_F(GuestImageCaps, BundlesBpftoolItsLibrariesAndEachKernelsConfig) {
  std::error_code ec;
  if (!fs::exists("/usr/sbin/bpftool", ec)) GTEST_SKIP() << "no bpftool";
  ASSERT_TRUE(
      write_file_atomic(dir_ / "vmlinuz-a", fake_bzimage("5.10.0-46-cloud-amd64 (x) #1")).ok());
  ASSERT_TRUE(
      write_file_atomic(dir_ / "vmlinuz-b", fake_bzimage("6.1.0-56-cloud-amd64 (x) #1")).ok());
  ASSERT_TRUE(write_file_atomic(dir_ / "config-a", "CONFIG_BPF=y\n").ok());
  ASSERT_TRUE(write_file_atomic(dir_ / "config-b", "CONFIG_BPF=y\nCONFIG_X=m\n").ok());
  ASSERT_TRUE(write_file_atomic(dir_ / "not-a-kernel", "junk").ok());
  spec_.bpftool = "/usr/sbin/bpftool";
  spec_.kernel_configs = {{dir_ / "vmlinuz-a", dir_ / "config-a"},
                          {dir_ / "vmlinuz-b", dir_ / "config-b"},
                          // unreadable release: skipped, the probe just lacks CONFIG_ flags
                          {dir_ / "not-a-kernel", dir_ / "config-a"}};
  ASSERT_TRUE(build_guest_image(spec_, dir_ / "g.cpio").ok());
  auto files = cpio_files(dir_ / "g.cpio");
  EXPECT_EQ(files["usr/sbin/bpftool"], *read_file("/usr/sbin/bpftool"));
  EXPECT_EQ(files["usr/sbin"], "<dir>");
  EXPECT_TRUE(files.count("lib64/ld-linux-x86-64.so.2"));
  EXPECT_TRUE(files.count("lib/x86_64-linux-gnu/libc.so.6"));
  EXPECT_TRUE(files.count("lib/x86_64-linux-gnu/libelf.so.1"));
  EXPECT_EQ(files["boot/config-5.10.0-46-cloud-amd64"], "CONFIG_BPF=y\n");
  EXPECT_EQ(files["boot/config-6.1.0-56-cloud-amd64"], "CONFIG_BPF=y\nCONFIG_X=m\n");
  size_t configs = 0;
  for (const auto& [name, data] : files)
    configs += name.rfind("boot/config-", 0) == 0;
  EXPECT_EQ(configs, 2u);
  auto m = nlohmann::json::parse(files["vmtest/manifest.json"]).get<Manifest>();
  EXPECT_EQ(m.bpftool, "/usr/sbin/bpftool");
}

// The release tarball's bpftool: libexec/vmtest/bpftool with an $ORIGIN rpath to
// lib/vmtest, where its libraries sit, so the host needs no libelf. The bundled libelf is used
// rather than the system's, and keeps its place relative to bpftool in the guest.
TEST_F(GuestImageCaps, ARelocatableBpftoolBringsItsOwnLibraries) {
  std::error_code ec;
  if (!fs::exists("/usr/sbin/bpftool", ec)) GTEST_SKIP() << "no bpftool";
  if (std::system("command -v patchelf >/dev/null") != 0) GTEST_SKIP() << "no patchelf";
  const fs::path prefix = dir_ / "prefix";
  fs::create_directories(prefix / "libexec/vmtest");
  fs::create_directories(prefix / "lib/vmtest");
  fs::copy_file("/usr/sbin/bpftool", prefix / "libexec/vmtest/bpftool");
  // A copy of the system's libelf stands for the bundled one: where it lands tells them apart.
  auto runtime = runtime_libraries("/usr/sbin/bpftool");
  ASSERT_TRUE(runtime.ok()) << runtime.error().str();
  fs::path system_elf;
  for (const auto& l : *runtime)
    if (l.filename() == "libelf.so.1") system_elf = l;
  ASSERT_FALSE(system_elf.empty());
  fs::copy_file(system_elf, prefix / "lib/vmtest/libelf.so.1");
  const std::string cmd = "patchelf --force-rpath --set-rpath '$ORIGIN/../../lib/vmtest' '" +
                          (prefix / "libexec/vmtest/bpftool").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  auto deps = read_elf_deps(prefix / "libexec/vmtest/bpftool");
  ASSERT_TRUE(deps.ok());
  EXPECT_EQ(deps->rpath, std::vector<std::string>{"$ORIGIN/../../lib/vmtest"});
  EXPECT_EQ(origin_library_dirs(prefix / "libexec/vmtest/bpftool"),
            std::vector<fs::path>{prefix / "lib/vmtest"});

  spec_.bpftool = prefix / "libexec/vmtest/bpftool";
  auto built = build_guest_image(spec_, dir_ / "g.cpio");
  ASSERT_TRUE(built.ok()) << built.error().str();
  auto files = cpio_files(dir_ / "g.cpio");
  EXPECT_TRUE(files.count("usr/sbin/bpftool"));
  // /usr/sbin/../../lib/vmtest: where the same rpath points from the guest's /usr/sbin.
  EXPECT_TRUE(files.count("lib/vmtest/libelf.so.1"));
  EXPECT_FALSE(files.count(system_elf.relative_path().string())) << "the system's libelf was bundled";
  EXPECT_TRUE(files.count("lib/x86_64-linux-gnu/libc.so.6")); // the host's, with its loader
}

// An x86 agent in an arm64 guest would end in "No working init found" inside the VM; the
// image stage says what is wrong instead. The same goes for bpftool.
TEST_F(GuestImageCaps, AnAgentOrBpftoolOfAnotherArchitectureIsRefused) {
  const fs::path host_agent = VMTEST_BINARY_DIR "/harness/vmtest-guest";
  std::error_code ec;
  if (!fs::exists(host_agent, ec)) GTEST_SKIP() << "vmtest-guest not built";
  spec_.agent = host_agent;
  spec_.arch = Arch::arm64;
  auto r = build_guest_image(spec_, dir_ / "g.cpio");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().what.find("the guest agent is built for x86_64, but the guest is arm64"),
            std::string::npos)
      << r.error().str();
  spec_.arch = Arch::x86_64;
  EXPECT_TRUE(build_guest_image(spec_, dir_ / "g.cpio").ok());
  const fs::path arm_bpftool = "/usr/local/lib/vmtest/aarch64/bpftool";
  if (!fs::exists(arm_bpftool, ec)) return;
  spec_.bpftool = arm_bpftool;
  auto b = build_guest_image(spec_, dir_ / "g.cpio");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().what.find("bpftool is built for arm64, but the guest is x86_64"),
            std::string::npos)
      << b.error().str();
}

TEST_F(GuestImageCaps, ABpftoolThatCannotBeBundledFailsTheImageWithContext) {
  ASSERT_TRUE(write_file_atomic(dir_ / "bpftool", "not elf").ok());
  spec_.bpftool = dir_ / "bpftool";
  auto r = build_guest_image(spec_, dir_ / "g.cpio");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("bundling bpftool"), std::string::npos) << r.error().str();
}

} // namespace vmtest

namespace vmtest {

// Issue 13: one 200 MB object in a 512 MB guest failed to unpack and took every later object
// with it. The guest is sized from its image instead.
TEST(GuestMemory, SmallImagesKeepTheConfiguredMemory) {
  EXPECT_EQ(guest_memory_mb(12u << 20, 512), 512);
  EXPECT_EQ(guest_memory_mb(0, 512), 512);
}

TEST(GuestMemory, LargeImagesGetRoomToUnpackAndLoad) {
  const std::uintmax_t image = 210u << 20; // one 200 MB object plus the agent
  const int mb = guest_memory_mb(image, 512);
  // The image, its unpacked copy (rootfs is capped at half the memory) and a copy for the
  // agent, on top of the kernel's own needs.
  EXPECT_GE(mb, 3 * 210 + 256);
  EXPECT_EQ(mb % 64, 0);
  EXPECT_GE(mb / 2, 210) << "the unpacked image must fit in rootfs";
  EXPECT_EQ(guest_memory_mb(image, 4096), 4096) << "a larger --memory is kept";
}

} // namespace vmtest
