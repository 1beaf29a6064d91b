// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/kernel_source.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

namespace {
// "https://quay.io:443/v2/x" -> "https://quay.io:443": what a connect reaches.
std::string origin_of_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto slash = url.find('/', start);
  return slash == std::string::npos ? url : url.substr(0, slash);
}
} // namespace

KernelImage image_from_cache(const std::string& row, const CachedKernel& k, bool from_cache) {
  std::error_code ec;
  KernelImage img;
  img.name = row;
  img.vmlinuz = k.vmlinuz;
  // Sources without a config (a bare bzImage) leave it empty rather than naming a ghost.
  if (fs::exists(k.config, ec)) img.config = k.config;
  img.sha256 = k.dir.filename().string();
  img.origin = k.info.origin;
  img.from_cache = from_cache;
  img.replaced_damaged = k.replaced_damaged;
  return img;
}

std::string unreachable_reason(const FetchContext& ctx, const std::string& url) {
  const std::string host = origin_of_url(url);
  if (ctx.unreachable) {
    if (auto it = ctx.unreachable->find(host); it != ctx.unreachable->end()) return it->second;
  }
  if (!ctx.http) return "no HTTP client to reach " + host;
  auto c = ctx.http->connect(url, ctx.connect_timeout);
  if (c) return "";
  const std::string why = host + " is unreachable (" + c.error().what + ")";
  if (ctx.unreachable) (*ctx.unreachable)[host] = why;
  return why;
}

} // namespace vmtest
