// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `local:` sources: prebuilt images in a directory this machine (or CI) provides, laid out as
// <dir>/<row>/bzImage plus <dir>/<row>/config. The directory comes from --kernel-dir or
// $VMTEST_KERNEL_DIR, never from the repository; the hashes come from the lock, so an image
// that is not the one the baselines were recorded on is an error, not a silent swap:
//   local: {}                       # <dir>/<row>/...
//   local: {subdir: rhel-8.1}       # <dir>/rhel-8.1/...
//   lock:  "local": {vmlinuz_sha256, config_sha256, provenance}
// Without a directory, or without <row>/bzImage in it, the source is not available here and
// the row tries its next source.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <string>

namespace vmtest {

inline constexpr const char* kKernelDirEnv = "VMTEST_KERNEL_DIR";

struct LocalPin {
  std::string vmlinuz_sha256; // of <row>/bzImage; required to boot it
  std::string config_sha256;  // of <row>/config; checked when set
  std::string provenance;     // where the images and their hashes come from, for reviewers
};

class LocalSource : public KernelSource {
public:
  LocalSource(std::string row, std::string subdir, LocalPin pin);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "local"; }
  std::string describe() const override;
  std::string pin_summary() const override;
  // A local file is its own cache: nothing to look up without reading it.
  std::optional<KernelImage> cached(const FetchContext&) const override { return std::nullopt; }
  std::string unavailable_reason(const FetchContext& ctx) const override;
  Result<KernelImage> fetch(const FetchContext& ctx) const override;
  bool pinned_by_lock() const override { return true; }
  nlohmann::ordered_json lock_pin() const override;
  // Measures <dir>/<row>/{bzImage,config} as they are now.
  Result<nlohmann::ordered_json> refresh_pin(const FetchContext& ctx,
                                             bool roll_forward = false) const override;

  // --kernel-dir, else $VMTEST_KERNEL_DIR; empty when neither is set.
  static std::filesystem::path kernel_dir(const FetchContext& ctx);

private:
  std::filesystem::path image_dir(const FetchContext& ctx) const;

  std::string subdir_;
  LocalPin pin_;
};

} // namespace vmtest
