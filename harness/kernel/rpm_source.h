// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `rpm:` sources: a kernel-core RPM (Rocky or Alma 8 for a RHEL 8 row), downloaded from a URL
// or read from a local path, checked against its sha256, and unpacked with libarchive (the
// payload is a cpio archive, xz or zstd compressed, behind the RPM lead):
//   rpm: {url: "${VMTEST_RPM_MIRROR}/.../kernel-core-4.18.0-553.el8_10.x86_64.rpm", sha256: ...}
//   rpm: {path: kernels/kernel-core.rpm, sha256: ...}      (relative to matrix.yaml)
// The kernel is lib/modules/<release>/vmlinuz, its config lib/modules/<release>/config.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <string>

namespace vmtest {

class RpmSource : public KernelSource {
public:
  // Exactly one of `url` and `path`.
  RpmSource(std::string row, std::string url, std::filesystem::path path, std::string sha256);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "rpm"; }
  std::string describe() const override;
  std::string pin_summary() const override { return "sha256:" + sha256_; }
  std::optional<KernelImage> cached(const FetchContext& ctx) const override;
  std::string unavailable_reason(const FetchContext& ctx) const override;
  Result<KernelImage> fetch(const FetchContext& ctx) const override;

private:
  std::string url_;
  std::filesystem::path path_;
  std::string sha256_;
};

} // namespace vmtest
