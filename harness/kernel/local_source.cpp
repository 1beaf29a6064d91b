// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/local_source.h"

#include "core/sha256.h"
#include "kernel/lock_file.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

LocalSource::LocalSource(std::string row, std::string subdir, LocalPin pin)
    : KernelSource(std::move(row)), subdir_(std::move(subdir)), pin_(std::move(pin)) {}

std::unique_ptr<KernelSource> LocalSource::parse(const SourceSpec& spec) {
  if (!spec.node.IsNull()) spec.only_keys({"subdir"});
  std::string subdir = spec.node.IsNull() ? "" : spec.str("subdir", false);
  if (subdir.empty()) subdir = spec.row;
  if (subdir.find('/') != std::string::npos || subdir == "..")
    throw SpecError{"'subdir' must be one directory name", spec.at()};
  LocalPin pin{spec.pin_str("vmlinuz_sha256"), spec.pin_str("config_sha256"),
               spec.pin_str("provenance")};
  for (const auto& [value, key] :
       {std::pair{pin.vmlinuz_sha256, "vmlinuz_sha256"}, {pin.config_sha256, "config_sha256"}})
    if (!value.empty() && !is_sha256_hex(value))
      throw SpecError{std::string(key) + " must be 64 lowercase hex digits", spec.lock_where};
  return std::make_unique<LocalSource>(spec.row, subdir, pin);
}

fs::path LocalSource::kernel_dir(const FetchContext& ctx) {
  if (!ctx.kernel_dir.empty()) return ctx.kernel_dir;
  return ctx.env(kKernelDirEnv);
}

fs::path LocalSource::image_dir(const FetchContext& ctx) const {
  return kernel_dir(ctx) / subdir_;
}

std::string LocalSource::describe() const {
  return std::string("$") + kKernelDirEnv + "/" + subdir_;
}

std::string LocalSource::pin_summary() const {
  return pin_.vmlinuz_sha256.empty() ? "(unpinned)" : "sha256:" + pin_.vmlinuz_sha256;
}

nlohmann::ordered_json LocalSource::lock_pin() const {
  nlohmann::ordered_json j = {{"vmlinuz_sha256", pin_.vmlinuz_sha256}};
  if (!pin_.config_sha256.empty()) j["config_sha256"] = pin_.config_sha256;
  if (!pin_.provenance.empty()) j["provenance"] = pin_.provenance;
  return j;
}

std::string LocalSource::unavailable_reason(const FetchContext& ctx) const {
  if (kernel_dir(ctx).empty())
    return std::string("set ") + kKernelDirEnv + " (or --kernel-dir) to a directory holding " +
           subdir_ + "/bzImage";
  std::error_code ec;
  if (!fs::is_regular_file(image_dir(ctx) / "bzImage", ec))
    return "no " + subdir_ + "/bzImage in " + kernel_dir(ctx).string();
  return "";
}

Result<KernelImage> LocalSource::fetch(const FetchContext& ctx) const {
  const fs::path dir = image_dir(ctx);
  const std::string where = row_ctx() + ": " + (dir / "bzImage").string();
  if (auto why = unavailable_reason(ctx); !why.empty()) return Error{why, row_ctx()};
  if (pin_.vmlinuz_sha256.empty())
    return Error{"no vmlinuz_sha256 pinned for its local image in kernels/matrix.lock.json; "
                 "check the image and run `vmtest kernels lock --kernel " +
                     row() + "`",
                 where};
  auto sha = sha256_file(dir / "bzImage");
  if (!sha) return sha.error().wrap(row_ctx());
  if (*sha != pin_.vmlinuz_sha256)
    return Error{"vmlinuz sha256 mismatch: expected " + pin_.vmlinuz_sha256 + ", got " + *sha +
                     " (not the image the lock pins)",
                 where};
  KernelImage img;
  img.name = row();
  img.vmlinuz = dir / "bzImage";
  img.sha256 = *sha;
  img.origin = "local " + subdir_ + "/bzImage";
  std::error_code ec;
  if (fs::is_regular_file(dir / "config", ec)) {
    auto c = sha256_file(dir / "config");
    if (!c) return c.error().wrap(row_ctx());
    if (!pin_.config_sha256.empty() && *c != pin_.config_sha256)
      return Error{"config sha256 mismatch: expected " + pin_.config_sha256 + ", got " + *c,
                   row_ctx() + ": " + (dir / "config").string()};
    img.config = dir / "config";
  } else if (!pin_.config_sha256.empty()) {
    return Error{"config missing next to the image (the lock pins one)",
                 row_ctx() + ": " + (dir / "config").string()};
  }
  return img;
}

Result<nlohmann::ordered_json> LocalSource::refresh_pin(const FetchContext& ctx, bool) const {
  if (auto why = unavailable_reason(ctx); !why.empty()) return Error{why, row_ctx()};
  const fs::path dir = image_dir(ctx);
  LocalPin pin = pin_;
  auto v = sha256_file(dir / "bzImage");
  if (!v) return v.error().wrap(row_ctx());
  pin.vmlinuz_sha256 = *v;
  pin.config_sha256.clear();
  std::error_code ec;
  if (fs::is_regular_file(dir / "config", ec)) {
    auto c = sha256_file(dir / "config");
    if (!c) return c.error().wrap(row_ctx());
    pin.config_sha256 = *c;
  }
  return LocalSource(row(), subdir_, pin).lock_pin();
}

} // namespace vmtest
