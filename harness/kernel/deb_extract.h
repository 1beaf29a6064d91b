// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Pulls the kernel out of a linux-image .deb. A .deb is an `ar` archive whose data.tar.*
// member holds the files; libarchive reads both layers, so nothing is unpacked to disk except
// the two files we keep.
#include "core/result.h"

#include <filesystem>
#include <string>

namespace vmtest {

struct ExtractedKernel {
  std::filesystem::path vmlinuz; // <out_dir>/vmlinuz
  std::filesystem::path config;  // <out_dir>/config
  std::string release;           // "6.1.0-56-cloud-amd64", from boot/vmlinuz-<release>
};

// Writes boot/vmlinuz-* to out_dir/vmlinuz and boot/config-* to out_dir/config. The package
// must hold exactly one of each. Any entry with an absolute path or a ".." component fails
// the whole extraction: such a package is corrupt or hostile, and nothing from it is trusted.
Result<ExtractedKernel> extract_kernel_from_deb(const std::filesystem::path& deb,
                                                const std::filesystem::path& out_dir);

} // namespace vmtest
