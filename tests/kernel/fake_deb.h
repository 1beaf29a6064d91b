// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Builds small but structurally real .deb files (ar + control.tar.xz + data.tar.<filter>)
// with libarchive, so extraction and fetch tests run on genuine archive formats.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace vmtest::testing {

struct DebFile {
  std::string path; // as stored in data.tar, e.g. "./boot/vmlinuz-6.1.0-test"
  std::string contents;
  bool symlink = false; // contents is then the link target
};

enum class DataFilter { xz, gzip, zstd };

// Returns the .deb bytes.
std::string build_deb(const std::vector<DebFile>& data_files, DataFilter filter = DataFilter::xz);

// A bare tar (gzip/xz/zstd filtered): OCI layers and release tarballs.
std::string build_tar(const std::vector<DebFile>& files, DataFilter filter);
// A newc cpio, xz compressed: an RPM payload without the RPM lead (libarchive strips that
// transparently; real RPMs are covered by the loopback end-to-end test).
std::string build_cpio_xz(const std::vector<DebFile>& files);

// The usual kernel package layout for release `release`.
std::vector<DebFile> kernel_files(const std::string& release, const std::string& vmlinuz,
                                  const std::string& config);

void write_bytes(const std::filesystem::path& p, const std::string& bytes);

} // namespace vmtest::testing
