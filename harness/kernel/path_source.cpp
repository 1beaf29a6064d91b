// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/path_source.h"

#include "core/sha256.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

PathSource::PathSource(std::string row, fs::path vmlinuz, fs::path config, std::string sha256)
    : KernelSource(std::move(row)), vmlinuz_(std::move(vmlinuz)), config_(std::move(config)),
      sha256_(std::move(sha256)) {}

std::unique_ptr<KernelSource> PathSource::parse(const SourceSpec& spec) {
  spec.only_keys({"vmlinuz", "config", "sha256"});
  const fs::path vmlinuz = spec.base_dir / spec.str("vmlinuz");
  fs::path config;
  if (auto c = spec.str("config", false); !c.empty()) config = spec.base_dir / c;
  const std::string sha = spec.str("sha256", false);
  spec.check_sha256(sha, "sha256");
  return std::make_unique<PathSource>(spec.row, vmlinuz, config, sha);
}

std::string PathSource::unavailable_reason(const FetchContext&) const {
  std::error_code ec;
  return fs::is_regular_file(vmlinuz_, ec) ? "" : "vmlinuz not found: " + vmlinuz_.string();
}

Result<KernelImage> PathSource::fetch(const FetchContext&) const {
  std::error_code ec;
  if (!fs::is_regular_file(vmlinuz_, ec))
    return Error{"vmlinuz not found: " + vmlinuz_.string(), row_ctx()};
  auto sha = sha256_file(vmlinuz_);
  if (!sha) return sha.error().wrap(row_ctx());
  if (!sha256_.empty() && *sha != sha256_)
    return Error{"vmlinuz sha256 mismatch: expected " + sha256_ + ", got " + *sha,
                 row_ctx() + ": " + vmlinuz_.string()};
  KernelImage img;
  img.name = row();
  img.vmlinuz = vmlinuz_;
  img.config = config_;
  img.sha256 = *sha;
  img.origin = "path " + vmlinuz_.string();
  return img;
}

} // namespace vmtest
