// SPDX-License-Identifier: BSD-2-Clause
#include "image/initramfs_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <map>

#include "core/fs.h"
#include "image/guest_image.h"

namespace vmtest {
namespace fs = std::filesystem;

struct ReadEntry {
  unsigned type;
  unsigned perm;
  std::string data;
  dev_t rdev;
};

// Reads a cpio back with libarchive, the way the kernel would see it.
static std::map<std::string, ReadEntry> read_cpio(const fs::path& p) {
  std::map<std::string, ReadEntry> out;
  archive* a = archive_read_new();
  archive_read_support_format_cpio(a);
  EXPECT_EQ(archive_read_open_filename(a, p.c_str(), 65536), ARCHIVE_OK);
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    ReadEntry r{archive_entry_filetype(e), static_cast<unsigned>(archive_entry_perm(e)), {},
                archive_entry_rdev(e)};
    char buf[4096];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) r.data.append(buf, static_cast<size_t>(n));
    out[archive_entry_pathname(e)] = r;
  }
  EXPECT_EQ(archive_format(a), ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);  // "newc"
  archive_read_free(a);
  return out;
}

class InitramfsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "img-"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(InitramfsTest, WritesNewcWithFilesDirsAndDevices) {
  InitramfsWriter w;
  w.add_dir("/proc");
  w.add_file("/init", "#!/bin/sh\n", 0755);
  w.add_char_device("dev/console", 5, 1);
  ASSERT_TRUE(w.write(dir_ / "out.cpio").ok());
  auto entries = read_cpio(dir_ / "out.cpio");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries["proc"].type, static_cast<unsigned>(AE_IFDIR));
  EXPECT_EQ(entries["init"].data, "#!/bin/sh\n");
  EXPECT_EQ(entries["init"].perm, 0755u);
  EXPECT_EQ(entries["dev/console"].type, static_cast<unsigned>(AE_IFCHR));
  EXPECT_EQ(major(entries["dev/console"].rdev), 5u);
  EXPECT_EQ(minor(entries["dev/console"].rdev), 1u);
}

TEST_F(InitramfsTest, MissingSourceFileIsAnErrorNamingIt) {
  InitramfsWriter w;
  auto r = w.add_file_from("objects/x.o", dir_ / "nope.o");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("nope.o"), std::string::npos);
}

TEST_F(InitramfsTest, GuestImageHoldsAgentManifestAndObjects) {
  ASSERT_TRUE(write_file_atomic(dir_ / "agent", "AGENT").ok());
  ASSERT_TRUE(write_file_atomic(dir_ / "a.bpf.o", "OBJ").ok());
  GuestImageSpec spec;
  spec.agent = dir_ / "agent";
  spec.log_tail_lines = 7;
  TestCase tc;
  tc.program = "p";
  tc.name = "c1";
  tc.data_in_hex = "00ff";
  spec.objects.push_back({"a.bpf.o", dir_ / "a.bpf.o", {tc}});
  ASSERT_TRUE(build_guest_image(spec, dir_ / "guest.cpio").ok());
  auto entries = read_cpio(dir_ / "guest.cpio");
  EXPECT_EQ(entries["init"].data, "AGENT");
  EXPECT_EQ(entries["init"].perm, 0755u);
  EXPECT_EQ(entries["objects/a.bpf.o"].data, "OBJ");
  auto m = nlohmann::json::parse(entries["vmtest/manifest.json"].data).get<Manifest>();
  EXPECT_EQ(m.log_tail_lines, 7);
  ASSERT_EQ(m.objects.size(), 1u);
  EXPECT_EQ(m.objects[0].path, "/objects/a.bpf.o");
  ASSERT_EQ(m.objects[0].cases.size(), 1u);
  EXPECT_EQ(m.objects[0].cases[0].data_in_hex, "00ff");
  EXPECT_TRUE(entries.count("dev/console"));
}

}  // namespace vmtest
