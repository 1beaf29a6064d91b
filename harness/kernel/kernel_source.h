// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// One way to obtain a kernel for a matrix row. Each kind (debian, oci, rpm, url, path, build,
// local) implements this interface in its own <kind>_source.{h,cpp} and registers its parser
// in source_registry.cpp; nothing else switches on the kind. A row lists one or more sources
// and takes the first that is available here (kernel_image.h).
#include "core/process.h"
#include "core/result.h"
#include "kernel/env_vars.h"
#include "kernel/http_client.h"
#include "kernel/kernel_cache.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace vmtest {

struct KernelImage {
  std::string name;                      // matrix row
  std::filesystem::path vmlinuz, config; // config may be empty (a bare bzImage)
  std::string sha256;                    // of vmlinuz
  std::string origin;      // the build: "linux-image-6.1.0-56-cloud-amd64 6.1.192-2", "path <file>"
  std::string source_kind; // which alternative produced it: "debian", "local", ...
  std::string source_description; // KernelSource::describe() of that alternative
  bool from_cache = false;
  // Non-empty when this fetch replaced a damaged cache entry: what was wrong with it.
  std::string replaced_damaged;
};

// Saves a pin a source measured while fetching into the lock file: the first pull of an
// unpinned oci tag (trust on first use) and what a canary row booted. Returns where it was
// written, for the one line that says so.
using PinRecorder = std::function<Result<std::string>(
    const std::string& row, const std::string& kind, const nlohmann::ordered_json& pin)>;

// Hosts found unreachable during one run, by host, with curl's reason. Shared by every row
// of the run so a dead registry costs one connect timeout, not one per row.
using UnreachableHosts = std::map<std::string, std::string>;

struct FetchContext {
  std::filesystem::path cache_dir;             // usually default_cache_dir()
  CommandRunner* runner = nullptr;             // apt-get / apt-cache / make go through this
  std::function<void(const std::string&)> log; // progress lines; may be empty
  // Where the machine's mirror URIs are read from; tests point these at fixtures.
  std::filesystem::path apt_sources_dir = "/etc/apt/sources.list.d";
  std::filesystem::path apt_sources_list = "/etc/apt/sources.list";
  HttpClient* http = nullptr;  // oci, rpm, url and build downloads
  EnvLookup env = process_env; // $VMTEST_OCI_REGISTRY, $VMTEST_KERNEL_DIR, ${VARS} in URLs
  int build_jobs = 2;          // make -j for build rows
  // Local images (<row>/bzImage + <row>/config); empty: $VMTEST_KERNEL_DIR.
  std::filesystem::path kernel_dir;
  // How long a remote source may take to answer a connect before it counts as unreachable.
  std::chrono::seconds connect_timeout{3};
  std::shared_ptr<UnreachableHosts> unreachable = std::make_shared<UnreachableHosts>();
  // Empty: measured pins are only said in the log, with the command that records them.
  PinRecorder record_pin;
};

class KernelSource {
public:
  virtual ~KernelSource() = default;

  virtual std::string kind() const = 0;
  // Short and machine-independent (it lands in results and baselines): no host taken from
  // the environment, no absolute local paths. E.g. "lvh-images/kernel-images:6.6-main on
  // quay.io", "$VMTEST_KERNEL_DIR/4.18".
  virtual std::string describe() const = 0;
  // What pins the image, for `vmtest kernels list`: a version, a digest, "(unpinned)".
  virtual std::string pin_summary() const = 0;

  // The image this source would use right now without touching the network, if any.
  virtual std::optional<KernelImage> cached(const FetchContext& ctx) const = 0;
  // "" when fetch() can be tried here; otherwise why not, in one line (an unset variable, a
  // missing directory, an unreachable host). Cheap: at most one short connect per host.
  virtual std::string unavailable_reason(const FetchContext& ctx) const = 0;
  // Downloads, verifies and caches (or locates and verifies) the kernel. Errors here are real
  // failures - a checksum mismatch, a 404 - never "not available".
  virtual Result<KernelImage> fetch(const FetchContext& ctx) const = 0;

  // Whether this kind keeps its pin in kernels/matrix.lock.json (debian, oci, local) rather
  // than in the matrix itself (url, rpm, path, build).
  virtual bool pinned_by_lock() const { return false; }
  // The lock entry this source was given, in the form it is saved; null when it has none.
  virtual nlohmann::ordered_json lock_pin() const { return nullptr; }
  // For `vmtest kernels lock`: measures the source and returns the entry to save. Without
  // `roll_forward` an existing pin keeps its version/digest and only gains what it lacks (a
  // deb_sha1, a first digest); with it (`--refresh`) the pin moves to the newest version.
  virtual Result<nlohmann::ordered_json> refresh_pin(const FetchContext&,
                                                     bool /*roll_forward*/ = false) const {
    return Error{kind() + " sources keep their pins in kernels/matrix.yaml", row()};
  }

  const std::string& row() const { return row_; }

protected:
  explicit KernelSource(std::string row) : row_(std::move(row)) {}
  // "kernel '6.1'": the context every error of this source carries.
  std::string row_ctx() const { return "kernel '" + row_ + "'"; }
  void say(const FetchContext& ctx, const std::string& line) const {
    if (ctx.log) ctx.log(row_ctx() + ": " + line);
  }

private:
  std::string row_;
};

// An image found in the cache, as a KernelImage for `row`.
KernelImage image_from_cache(const std::string& row, const CachedKernel& k, bool from_cache);

// "" when the host of `url` answers a connect within ctx.connect_timeout; else a one-line
// reason. Remembered per host in ctx.unreachable, so the second row asking costs nothing.
std::string unreachable_reason(const FetchContext& ctx, const std::string& url);

} // namespace vmtest
