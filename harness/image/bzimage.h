// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The release string (`uname -r`) of an x86 bzImage, read from its setup header. The guest
// image carries each kernel's config as /boot/config-<release>, where bpftool looks for it
// (Debian kernels have no /proc/config.gz), so the release must be known before booting.
#include "core/arch.h"
#include "core/result.h"

#include <filesystem>
#include <string>

namespace vmtest {

// "6.1.0-56-cloud-amd64" for a Debian 6.1 vmlinuz. Errors when the file is not a bzImage
// (no "HdrS" magic) or its kernel_version pointer is unset.
Result<std::string> bzimage_release(const std::filesystem::path& vmlinuz);

// The architecture a kernel image boots on, from its header: an x86 bzImage ("HdrS" setup
// header) or an arm64 Image ("ARM\x64" at 0x38, Documentation/arch/arm64/booting.rst).
// Anything else (a compressed Image, a vmlinux ELF, garbage) is an error: qemu -kernel would
// not boot it as the row expects.
Result<Arch> kernel_image_arch(const std::filesystem::path& vmlinuz);

// The release of an arm64 Image. Its header carries no version, but an Image is
// uncompressed, so the kernel's banner ("Linux version <release> (...") is in it verbatim.
Result<std::string> arm64_image_release(const std::filesystem::path& image);

// bzimage_release or arm64_image_release, by the image's header.
Result<std::string> kernel_image_release(const std::filesystem::path& vmlinuz);

} // namespace vmtest
