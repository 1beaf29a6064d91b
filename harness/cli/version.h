// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `vmtest --version`: this build, plus the two BPF tools results depend on: the libbpf that
// vmtest-guest links (asked of the agent itself, so a stale agent cannot hide) and the bpftool
// the guests run for the capability probe.
#include "core/process.h"

#include <filesystem>
#include <string>

namespace vmtest {

// This build's version, from the VERSION file at the top of the source tree (CMake reads it;
// a release tag vX.Y.Z must match it, scripts/release/check-version.sh).
std::string vmtest_version();

std::string version_text(CommandRunner& runner, const std::filesystem::path& agent,
                         const std::filesystem::path& bpftool);

} // namespace vmtest
