// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Finding a kernel inside an archive that is not a .deb: an OCI image layer (tar, gzip or
// zstd), a release tarball (tar.gz/tar.xz) or an RPM payload (cpio inside the RPM lead,
// xz/zstd). libarchive detects the container and compression; callers only say which paths
// count as "the kernel" and "its config".
//
// Safety is all-or-nothing, as for .debs: ANY entry with an absolute path or a ".." component
// fails the whole archive, because such an archive is corrupt or hostile and nothing from it
// is trusted - even if the kernel itself came earlier in the stream.
#include "core/result.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

struct archive;  // libarchive

namespace vmtest {

// "./boot/x" -> "boot/x"; nullopt for paths that could escape wherever they were unpacked.
std::optional<std::string> safe_relative(std::string_view raw);

// What a path inside an archive is, for the purpose of finding a kernel.
struct KernelPathMatch {
  enum Kind { vmlinuz, config } kind;
  std::string release; // from the path, e.g. "6.1.0-56-cloud-amd64"; may be empty
};
using KernelPathMatcher = std::function<std::optional<KernelPathMatch>(std::string_view rel)>;

// Paths the sources understand:
//  - little-vm-helper kernel images: data/kernels/<name>/boot/{vmlinuz,config}-<release>
//  - make tar-pkg / distro layout:   boot/{vmlinuz,config}-<release>
//  - kernel-core RPMs:               lib/modules/<release>/{vmlinuz,config}
//  - bare build output:              bzImage, arch/x86/boot/bzImage (any leading directory)
std::optional<KernelPathMatch> match_image_kernel_path(std::string_view rel);
std::optional<KernelPathMatch> match_rpm_kernel_path(std::string_view rel);
std::optional<KernelPathMatch> match_tarball_kernel_path(std::string_view rel);

struct ArchiveKernel {
  bool found_vmlinuz = false, found_config = false;
  std::string release;
  std::string vmlinuz_path_in_archive; // for messages and image.json
};

// Scans `archive_file` and writes the matching regular files to out_dir/vmlinuz and
// out_dir/config (replacing what an earlier call wrote: OCI layers apply in order, so a later
// layer's kernel wins). Two different kernels in one archive is an error: we would be
// guessing which one the user meant.
Result<ArchiveKernel> extract_kernel_from_archive(const std::filesystem::path& archive_file,
                                                  const std::filesystem::path& out_dir,
                                                  const KernelPathMatcher& match);

// Only checks that every entry is safe and readable (build sources are unpacked by `tar`
// afterwards, which must never see a hostile archive).
Result<void> check_archive_paths(const std::filesystem::path& archive_file);

// Whether `file` starts like an x86 boot image (the "HdrS" setup header at 0x202), i.e. a
// bare bzImage rather than an archive.
bool looks_like_bzimage(const std::filesystem::path& file);

// Writes the current entry of `a` to `dest`, replacing any file there but never following a
// symlink planted in its place; fsynced before returning.
Result<void> write_archive_entry(::archive* a, const std::filesystem::path& dest);

} // namespace vmtest
