#pragma once
// `vmtest --version`: this build, plus the two BPF tools results depend on: the libbpf that
// vmtest-guest links (asked of the agent itself, so a stale agent cannot hide) and the bpftool
// the guests run for the capability probe.
#include "core/process.h"

#include <filesystem>
#include <string>

namespace vmtest {

std::string version_text(CommandRunner& runner, const std::filesystem::path& agent,
                         const std::filesystem::path& bpftool);

} // namespace vmtest
