// SPDX-License-Identifier: BSD-2-Clause
#include "image/initramfs_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <memory>

#include "core/fs.h"

namespace vmtest {
namespace {

std::string relative(std::string p) {
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  return p;
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

}  // namespace

void InitramfsWriter::add_dir(std::string path, unsigned mode) {
  entries_.push_back({relative(std::move(path)), Entry::Dir, mode, {}});
}

void InitramfsWriter::add_file(std::string path, std::string contents, unsigned mode) {
  entries_.push_back({relative(std::move(path)), Entry::File, mode, std::move(contents)});
}

Result<void> InitramfsWriter::add_file_from(std::string path, const std::filesystem::path& source,
                                            unsigned mode) {
  auto data = read_file(source);
  if (!data) return data.error().wrap("adding to guest image");
  add_file(std::move(path), std::move(*data), mode);
  return {};
}

void InitramfsWriter::add_char_device(std::string path, unsigned major, unsigned minor,
                                      unsigned mode) {
  Entry e{relative(std::move(path)), Entry::CharDev, mode, {}};
  e.major = major;
  e.minor = minor;
  entries_.push_back(std::move(e));
}

Result<void> InitramfsWriter::write(const std::filesystem::path& out, Durability durability) const {
  std::unique_ptr<archive, ArchiveCloser> a(archive_write_new());
  if (archive_write_set_format_cpio_newc(a.get()) != ARCHIVE_OK ||
      archive_write_add_filter_none(a.get()) != ARCHIVE_OK)
    return Error{std::string("libarchive: ") + archive_error_string(a.get()), out.string()};

  // Build in memory, then write atomically: a half-written image must never be booted.
  std::string buffer;
  auto writer = [](archive*, void* client, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open(a.get(), &buffer, nullptr, writer, nullptr) != ARCHIVE_OK)
    return Error{std::string("libarchive: ") + archive_error_string(a.get()), out.string()};

  unsigned ino = 1;
  for (const auto& e : entries_) {
    std::unique_ptr<archive_entry, EntryFree> ae(archive_entry_new());
    archive_entry_set_pathname(ae.get(), e.path.c_str());
    archive_entry_set_ino(ae.get(), ino++);
    archive_entry_set_nlink(ae.get(), e.kind == Entry::Dir ? 2 : 1);
    archive_entry_set_uid(ae.get(), 0);
    archive_entry_set_gid(ae.get(), 0);
    archive_entry_set_mtime(ae.get(), 0, 0);  // reproducible images
    switch (e.kind) {
      case Entry::Dir:
        archive_entry_set_filetype(ae.get(), AE_IFDIR);
        archive_entry_set_size(ae.get(), 0);
        break;
      case Entry::File:
        archive_entry_set_filetype(ae.get(), AE_IFREG);
        archive_entry_set_size(ae.get(), static_cast<la_int64_t>(e.contents.size()));
        break;
      case Entry::CharDev:
        archive_entry_set_filetype(ae.get(), AE_IFCHR);
        archive_entry_set_rdev(ae.get(), makedev(e.major, e.minor));
        archive_entry_set_size(ae.get(), 0);
        break;
    }
    archive_entry_set_perm(ae.get(), e.mode);
    if (archive_write_header(a.get(), ae.get()) != ARCHIVE_OK)
      return Error{std::string("libarchive: ") + archive_error_string(a.get()), e.path};
    if (e.kind == Entry::File && !e.contents.empty() &&
        archive_write_data(a.get(), e.contents.data(), e.contents.size()) < 0)
      return Error{std::string("libarchive: ") + archive_error_string(a.get()), e.path};
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    return Error{std::string("libarchive: ") + archive_error_string(a.get()), out.string()};
  return write_file_atomic(out, buffer, durability);
}

}  // namespace vmtest
