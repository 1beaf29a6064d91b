// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/archive_kernel.h"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

std::string archive_msg(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown libarchive error";
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}


ArchivePtr open_archive(const fs::path& file, Error& err) {
  ArchivePtr a(archive_read_new(), &archive_read_free);
  // filter_all includes the RPM lead stripper; tar and cpio cover layers, tarballs and RPMs.
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_cpio(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    err = Error{"cannot open archive: " + archive_msg(a.get()), file.string()};
    return ArchivePtr(nullptr, &archive_read_free);
  }
  return a;
}

// Splits "a/b/c" into its components.
std::vector<std::string_view> parts(std::string_view p) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t s = p.find('/', pos);
    if (s == std::string_view::npos) s = p.size();
    out.push_back(p.substr(pos, s - pos));
    pos = s + 1;
  }
  return out;
}

std::optional<KernelPathMatch> boot_file(std::string_view dir_entry, std::string_view file) {
  (void)dir_entry;
  if (starts_with(file, "vmlinuz-") && file.size() > 8)
    return KernelPathMatch{KernelPathMatch::vmlinuz, std::string(file.substr(8))};
  if (starts_with(file, "config-") && file.size() > 7)
    return KernelPathMatch{KernelPathMatch::config, std::string(file.substr(7))};
  return std::nullopt;
}

} // namespace

Result<void> write_archive_entry(archive* a, const fs::path& dest) {
  // Replacing is intended (a later OCI layer wins), so unlink first and create exclusively:
  // never write through a symlink someone planted in the staging directory.
  ::unlink(dest.c_str());
  int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error("cannot create", dest.string());
  const void* buf;
  size_t size;
  la_int64_t offset;
  int r;
  while ((r = archive_read_data_block(a, &buf, &size, &offset)) == ARCHIVE_OK) {
    // A full disk first shortens a write and only fails the next one: keep writing until the
    // kernel says why, or errno would still hold the ENOENT of the unlink above.
    const char* p = static_cast<const char*>(buf);
    while (size > 0) {
      const ssize_t n = ::pwrite(fd, p, size, offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Error e = n < 0 ? errno_error("write failed", dest.string())
                        : Error{"write failed: no progress", dest.string()};
        ::close(fd);
        return e;
      }
      p += n;
      size -= static_cast<size_t>(n);
      offset += n;
    }
  }
  if (r != ARCHIVE_EOF) {
    Error e{"cannot read archive entry: " + archive_msg(a), dest.string()};
    ::close(fd);
    return e;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return errno_error("flush failed", dest.string());
  return {};
}

std::optional<std::string> safe_relative(std::string_view raw) {
  if (raw.empty() || raw.front() == '/') return std::nullopt;
  std::string out;
  for (std::string_view part : parts(raw)) {
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + std::string(part);
  }
  return out;
}

std::optional<KernelPathMatch> match_image_kernel_path(std::string_view rel) {
  const auto p = parts(rel);
  // data/kernels/<name>/boot/<file>
  if (p.size() == 5 && p[0] == "data" && p[1] == "kernels" && p[3] == "boot")
    return boot_file(p[2], p[4]);
  if (p.size() == 2 && p[0] == "boot") return boot_file("", p[1]);
  return std::nullopt;
}

std::optional<KernelPathMatch> match_rpm_kernel_path(std::string_view rel) {
  const auto p = parts(rel);
  if (p.size() == 4 && p[0] == "lib" && p[1] == "modules" && !p[2].empty()) {
    if (p[3] == "vmlinuz") return KernelPathMatch{KernelPathMatch::vmlinuz, std::string(p[2])};
    if (p[3] == "config") return KernelPathMatch{KernelPathMatch::config, std::string(p[2])};
  }
  return std::nullopt;
}

std::optional<KernelPathMatch> match_tarball_kernel_path(std::string_view rel) {
  if (auto m = match_image_kernel_path(rel)) return m;
  const auto p = parts(rel);
  // One leading directory is allowed (kernel-6.6/boot/vmlinuz-6.6.60).
  if (p.size() == 3 && p[1] == "boot") return boot_file("", p[2]);
  if (!p.empty() && p.back() == "bzImage" && p.size() <= 5)
    return KernelPathMatch{KernelPathMatch::vmlinuz, ""};
  if (!p.empty() && (p.back() == ".config" || p.back() == "config") && p.size() <= 2)
    return KernelPathMatch{KernelPathMatch::config, ""};
  return std::nullopt;
}

Result<ArchiveKernel> extract_kernel_from_archive(const fs::path& file, const fs::path& out_dir,
                                                  const KernelPathMatcher& match) {
  Error err;
  ArchivePtr a = open_archive(file, err);
  if (!a) return err;
  ArchiveKernel k;
  archive_entry* e;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    const char* raw = archive_entry_pathname(e);
    auto rel = safe_relative(raw ? raw : "");
    if (!rel)
      return Error{std::string("refusing unsafe path '") + (raw ? raw : "") + "' in archive",
                   file.string()};
    // Hard link targets are paths too; a hostile one could alias outside the tree.
    if (const char* hl = archive_entry_hardlink(e); hl && !safe_relative(hl))
      return Error{std::string("refusing unsafe link target '") + hl + "' in archive",
                   file.string()};
    auto m = match(*rel);
    // Symlinks (boot/vmlinuz -> vmlinuz-6.6.60) and hard links are skipped: the regular
    // file they point at is matched on its own.
    if (!m || archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) continue;
    const bool is_vmlinuz = m->kind == KernelPathMatch::vmlinuz;
    bool& seen = is_vmlinuz ? k.found_vmlinuz : k.found_config;
    if (seen) {
      if (is_vmlinuz)
        return Error{"more than one kernel in the archive ('" + k.vmlinuz_path_in_archive +
                         "' and '" + *rel + "')",
                     file.string()};
      continue; // a second config is harmless; keep the first
    }
    seen = true;
    if (auto w = write_archive_entry(a.get(), out_dir / (is_vmlinuz ? "vmlinuz" : "config")); !w)
      return w.error();
    if (is_vmlinuz) {
      k.vmlinuz_path_in_archive = *rel;
      if (!m->release.empty()) k.release = m->release;
    } else if (k.release.empty()) {
      k.release = m->release;
    }
  }
  if (r != ARCHIVE_EOF) return Error{"corrupt archive: " + archive_msg(a.get()), file.string()};
  return k;
}

Result<void> check_archive_paths(const fs::path& file) {
  auto none = [](std::string_view) { return std::optional<KernelPathMatch>{}; };
  auto r = extract_kernel_from_archive(file, {}, none);
  if (!r) return r.error();
  return {};
}

bool looks_like_bzimage(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.seekg(0x202);
  return in.read(magic, 4) && std::string_view(magic, 4) == "HdrS";
}

} // namespace vmtest
