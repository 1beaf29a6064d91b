#pragma once
// The release string (`uname -r`) of an x86 bzImage, read from its setup header. The guest
// image carries each kernel's config as /boot/config-<release>, where bpftool looks for it
// (Debian kernels have no /proc/config.gz), so the release must be known before booting.
#include "core/result.h"

#include <filesystem>
#include <string>

namespace vmtest {

// "6.1.0-56-cloud-amd64" for a Debian 6.1 vmlinuz. Errors when the file is not a bzImage
// (no "HdrS" magic) or its kernel_version pointer is unset.
Result<std::string> bzimage_release(const std::filesystem::path& vmlinuz);

} // namespace vmtest
