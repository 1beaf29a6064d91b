// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/deb_extract.h"

#include "kernel/archive_kernel.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

ArchivePtr new_reader() {
  return ArchivePtr(archive_read_new(), &archive_read_free);
}

std::string archive_msg(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown libarchive error";
}

// The inner tar is read straight out of the outer ar member: libarchive pulls blocks through
// this callback, so the (xz/zstd/gz) data member is never written out.
la_ssize_t read_from_outer(archive*, void* outer, const void** buf) {
  size_t size = 0;
  la_int64_t offset = 0;
  int r = archive_read_data_block(static_cast<archive*>(outer), buf, &size, &offset);
  if (r == ARCHIVE_EOF) return 0;
  if (r != ARCHIVE_OK) return -1;
  return static_cast<la_ssize_t>(size);
}


Result<ExtractedKernel> extract_data_tar(archive* outer, const fs::path& deb,
                                         const fs::path& out_dir) {
  ArchivePtr inner = new_reader();
  archive_read_support_filter_all(inner.get());
  archive_read_support_format_tar(inner.get());
  if (archive_read_open(inner.get(), outer, nullptr, read_from_outer, nullptr) != ARCHIVE_OK)
    return Error{"cannot open data member: " + archive_msg(inner.get()), deb.string()};

  ExtractedKernel k;
  bool have_vmlinuz = false, have_config = false;
  archive_entry* e;
  int r;
  while ((r = archive_read_next_header(inner.get(), &e)) == ARCHIVE_OK) {
    const char* raw = archive_entry_pathname(e);
    auto rel = safe_relative(raw ? raw : "");
    if (!rel)
      return Error{std::string("refusing unsafe path '") + (raw ? raw : "") + "'", deb.string()};
    const bool regular = archive_entry_filetype(e) == AE_IFREG;
    std::string_view name = *rel;
    const bool is_vmlinuz = name.rfind("boot/vmlinuz-", 0) == 0;
    const bool is_config = name.rfind("boot/config-", 0) == 0;
    if (!(is_vmlinuz || is_config) || name.find('/', 5) != std::string_view::npos) continue;
    if (!regular) return Error{"'" + *rel + "' is not a regular file", deb.string()};
    bool& seen = is_vmlinuz ? have_vmlinuz : have_config;
    if (seen)
      return Error{"more than one " + std::string(is_vmlinuz ? "vmlinuz" : "config") +
                       " in the package ('" + *rel + "')",
                   deb.string()};
    seen = true;
    const fs::path dest = out_dir / (is_vmlinuz ? "vmlinuz" : "config");
    if (auto w = write_archive_entry(inner.get(), dest); !w) return w.error();
    if (is_vmlinuz) {
      k.vmlinuz = dest;
      k.release = std::string(name.substr(std::string_view("boot/vmlinuz-").size()));
    } else {
      k.config = dest;
    }
  }
  if (r != ARCHIVE_EOF)
    return Error{"corrupt data member: " + archive_msg(inner.get()), deb.string()};
  if (!have_vmlinuz) return Error{"no boot/vmlinuz-* in the package", deb.string()};
  if (!have_config) return Error{"no boot/config-* in the package", deb.string()};
  return k;
}

} // namespace

Result<ExtractedKernel> extract_kernel_from_deb(const fs::path& deb, const fs::path& out_dir) {
  ArchivePtr outer = new_reader();
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb.c_str(), 1 << 16) != ARCHIVE_OK)
    return Error{"cannot open as .deb (ar): " + archive_msg(outer.get()), deb.string()};
  archive_entry* e;
  int r;
  while ((r = archive_read_next_header(outer.get(), &e)) == ARCHIVE_OK) {
    std::string_view name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    if (name.rfind("data.tar", 0) == 0) return extract_data_tar(outer.get(), deb, out_dir);
  }
  if (r != ARCHIVE_EOF) return Error{"corrupt .deb: " + archive_msg(outer.get()), deb.string()};
  return Error{"no data.tar.* member; not a Debian package", deb.string()};
}

} // namespace vmtest
