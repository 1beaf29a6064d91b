// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `build:` rows: a kernel.org source tarball (sha256 in the matrix) configured as
//   make defconfig -> scripts/kconfig/merge_config.sh -m .config <fragment> -> make olddefconfig
// and built with `make bzImage`. Every command goes through the CommandRunner, so the
// sequence is unit-tested with a fake; a real build takes the better part of an hour under
// two cores and is never run in CI.
//
// After olddefconfig every option the fragment sets must have survived: Kconfig silently
// drops options whose dependencies are unmet, and a "BPF kernel" without BPF_SYSCALL would
// produce verdicts that mean nothing.
//
//   build: {version: 6.6.60, sha256: <of the tarball>, config_fragment: ../images/bpf.config,
//           url: <optional; default ${VMTEST_KERNEL_MIRROR}/v6.x/linux-6.6.60.tar.xz>}
#include "kernel/kernel_source.h"
#include "kernel/source_spec.h"

#include <memory>
#include <string>
#include <vector>

namespace vmtest {

struct BuildSpec {
  std::string version;                   // upstream release, e.g. 6.6.60
  std::string url;                       // source tarball (may name ${VARS})
  std::string sha256;                    // of the tarball; required to build
  std::filesystem::path config_fragment; // optional
};

class BuildSource : public KernelSource {
public:
  BuildSource(std::string row, BuildSpec spec);
  static std::unique_ptr<KernelSource> parse(const SourceSpec& spec);

  std::string kind() const override { return "build"; }
  std::string describe() const override;
  std::string pin_summary() const override;
  std::optional<KernelImage> cached(const FetchContext& ctx) const override;
  std::string unavailable_reason(const FetchContext& ctx) const override;
  Result<KernelImage> fetch(const FetchContext& ctx) const override;

  // The cache identity of a build: version, tarball sha256 and the fragment's text.
  Result<std::string> digest() const;

private:
  BuildSpec spec_;
};

// Lines of `fragment` ("CONFIG_X=y", "# CONFIG_Y is not set") that `config` does not honour.
std::vector<std::string> config_fragment_violations(const std::string& fragment,
                                                    const std::string& config);

} // namespace vmtest
