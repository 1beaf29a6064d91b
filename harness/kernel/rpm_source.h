#pragma once
// `rpm:` rows: a kernel-core RPM (Rocky or Alma 8 for the RHEL 8 row), downloaded from a URL
// or read from a local path, checked against its sha256, and unpacked with libarchive (the
// payload is a cpio archive, xz or zstd compressed, behind the RPM lead). The kernel is
// lib/modules/<release>/vmlinuz, its config lib/modules/<release>/config.
#include "kernel/kernel_image.h"

namespace vmtest {

Result<KernelImage> fetch_rpm(const KernelRow& row, const RpmSource& src, const FetchContext& ctx);

} // namespace vmtest
