// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `path:` sources: a kernel already on this disk, used in place (a local file is its own
// cache; copying it would only double the disk use):
//   path: {vmlinuz: /boot/vmlinuz-6.1.0-13-amd64, config: /boot/config-6.1.0-13-amd64,
//          sha256: <64 hex, optional>}
// Relative paths resolve against matrix.yaml's directory.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <string>

namespace vmtest {

class PathSource : public KernelSource {
public:
  PathSource(std::string row, std::filesystem::path vmlinuz, std::filesystem::path config,
             std::string sha256);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "path"; }
  std::string describe() const override { return vmlinuz_.filename().string(); }
  std::string pin_summary() const override { return sha256_.empty() ? "-" : "sha256:" + sha256_; }
  std::optional<KernelImage> cached(const FetchContext&) const override { return std::nullopt; }
  std::string unavailable_reason(const FetchContext&) const override;
  Result<KernelImage> fetch(const FetchContext& ctx) const override;

  const std::filesystem::path& vmlinuz() const { return vmlinuz_; }

private:
  std::filesystem::path vmlinuz_, config_;
  std::string sha256_;
};

} // namespace vmtest
