// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `url:` sources: a direct download whose sha256 is written in the matrix - a bzImage, or a
// .tar.gz/.tar.xz holding boot/vmlinuz-* or a bzImage:
//   url: {url: "${VMTEST_KERNEL_URL_BASE}/vmlinuz-5.15", sha256: <64 hex>}
// URLs may name environment variables (${NAME}) so private hosts stay out of the repository;
// a source whose variable is unset, or whose host does not answer, is not available here.
// The download's hash is checked before the archive is opened, then the kernel is cached by
// content like every other source.
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <string>

namespace vmtest {

class UrlSource : public KernelSource {
public:
  UrlSource(std::string row, std::string url, std::string sha256);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "url"; }
  std::string describe() const override { return url_; }
  std::string pin_summary() const override { return "sha256:" + sha256_; }
  std::optional<KernelImage> cached(const FetchContext& ctx) const override;
  std::string unavailable_reason(const FetchContext& ctx) const override;
  Result<KernelImage> fetch(const FetchContext& ctx) const override;

private:
  std::string origin() const;
  std::string url_, sha256_;
};

// Why `url` cannot be downloaded here ("" when it can): an unset ${VAR} in it, or a host that
// does not answer. `kind` names the source in the message.
std::string remote_unavailable_reason(const FetchContext& ctx, const std::string& kind,
                                      const std::string& url);

} // namespace vmtest
