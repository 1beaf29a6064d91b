// SPDX-License-Identifier: BSD-2-Clause
#include "fake_deb.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace vmtest::testing {
namespace {

void check(int r, archive* a) {
  if (r < ARCHIVE_WARN) throw std::runtime_error(archive_error_string(a));
}

// Writes a whole archive into memory; `setup` picks the format and filters.
template <typename Setup, typename Fill> std::string write_archive(Setup setup, Fill fill) {
  archive* a = archive_write_new();
  setup(a);
  std::string buf(64 << 20, '\0'); // test payloads are tiny; libarchive needs a fixed buffer
  size_t used = 0;
  check(archive_write_open_memory(a, buf.data(), buf.size(), &used), a);
  fill(a);
  check(archive_write_close(a), a);
  archive_write_free(a);
  buf.resize(used);
  return buf;
}

void add_entry(archive* a, const std::string& path, const std::string& data, bool symlink = false,
               bool dir = false) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, path.c_str());
  archive_entry_set_mtime(e, 1700000000, 0);
  if (dir) {
    archive_entry_set_filetype(e, AE_IFDIR);
    archive_entry_set_perm(e, 0755);
  } else if (symlink) {
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_symlink(e, data.c_str());
    archive_entry_set_perm(e, 0777);
  } else {
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  }
  check(archive_write_header(a, e), a);
  if (!dir && !symlink && !data.empty()) archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
}

std::string tar_xz(const std::vector<DebFile>& files, DataFilter filter) {
  return write_archive(
      [&](archive* a) {
        archive_write_set_format_gnutar(a);
        switch (filter) {
        case DataFilter::xz:
          archive_write_add_filter_xz(a);
          break;
        case DataFilter::gzip:
          archive_write_add_filter_gzip(a);
          break;
        case DataFilter::zstd:
          archive_write_add_filter_zstd(a);
          break;
        }
      },
      [&](archive* a) {
        for (const auto& f : files)
          add_entry(a, f.path, f.contents, f.symlink);
      });
}

} // namespace

std::string build_tar(const std::vector<DebFile>& files, DataFilter filter) {
  return tar_xz(files, filter);
}

std::string build_cpio_xz(const std::vector<DebFile>& files) {
  return write_archive(
      [](archive* a) {
        archive_write_set_format_cpio_newc(a);
        archive_write_add_filter_xz(a);
      },
      [&](archive* a) {
        for (const auto& f : files)
          add_entry(a, f.path, f.contents, f.symlink);
      });
}

std::string build_deb(const std::vector<DebFile>& data_files, DataFilter filter) {
  const std::string control =
      tar_xz({{"./control", "Package: linux-image-test\nVersion: 1.0-1\n"}}, DataFilter::xz);
  const std::string data = tar_xz(data_files, filter);
  const char* data_name = filter == DataFilter::xz     ? "data.tar.xz"
                          : filter == DataFilter::gzip ? "data.tar.gz"
                                                       : "data.tar.zst";
  return write_archive([](archive* a) { archive_write_set_format_ar_svr4(a); },
                       [&](archive* a) {
                         add_entry(a, "debian-binary", "2.0\n");
                         add_entry(a, "control.tar.xz", control);
                         add_entry(a, data_name, data);
                       });
}

std::vector<DebFile> kernel_files(const std::string& release, const std::string& vmlinuz,
                                  const std::string& config) {
  return {{"./usr/share/doc/linux-image-" + release + "/changelog", "changes\n"},
          {"./boot/System.map-" + release, "ffffffff81000000 T _text\n"},
          {"./boot/config-" + release, config},
          {"./boot/vmlinuz-" + release, vmlinuz},
          {"./lib/modules/" + release + "/kernel/fs/9p/9p.ko", "module"}};
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

} // namespace vmtest::testing
