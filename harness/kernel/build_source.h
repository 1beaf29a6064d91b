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
#include "kernel/kernel_image.h"

#include <string>
#include <vector>

namespace vmtest {

Result<KernelImage> fetch_build(const KernelRow& row, const BuildSource& src,
                                const FetchContext& ctx);

// The cache identity of a build: version, tarball sha256 and the fragment's text.
Result<std::string> build_source_digest(const BuildSource& src);

// Lines of `fragment` ("CONFIG_X=y", "# CONFIG_Y is not set") that `config` does not honour.
std::vector<std::string> config_fragment_violations(const std::string& fragment,
                                                    const std::string& config);

} // namespace vmtest
