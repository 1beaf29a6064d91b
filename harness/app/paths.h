// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Where vmtest finds what it ships: everything is located relative to the running binary, so
// an installed vmtest (<prefix>/bin/vmtest) and one run from its build tree
// (build/harness/vmtest) work from any directory and no source path is compiled in.
//
//   installed:  <prefix>/bin/vmtest   <prefix>/libexec/vmtest/vmtest-guest   <prefix>/share/vmtest/
//   build tree: build/harness/vmtest  build/harness/vmtest-guest             build/share/vmtest/
//
// build/share/vmtest is laid out by CMake with symbolic links into the source tree, so an edit
// to kernels/matrix.yaml shows up without a rebuild.
#include "core/arch.h"

#include <filesystem>
#include <vector>

namespace vmtest {

std::filesystem::path executable_dir();

// The folder of bundled data (kernels/matrix.yaml, kernels/matrix.lock.json, images/): the
// first of `candidate_data_dirs(executable_dir())` that holds kernels/matrix.yaml. Empty when
// none does (a binary copied away from its tree): callers then name the missing file.
std::filesystem::path data_dir();
std::vector<std::filesystem::path> candidate_data_dirs(const std::filesystem::path& exe_dir);

// The bundled matrix and its lock file.
std::filesystem::path bundled_matrix();
std::filesystem::path bundled_lock();

// The corpus built with vmtest (build/bpf/corpus next to build/harness/vmtest); empty when this
// binary has none next to it (an installed vmtest ships no corpus).
std::filesystem::path default_corpus_dir();

// vmtest-guest: $VMTEST_GUEST, else next to the binary (build tree), else
// <prefix>/libexec/vmtest/vmtest-guest.
std::filesystem::path default_agent_path();
std::vector<std::filesystem::path> candidate_agent_paths(const std::filesystem::path& exe_dir);

// The bpftool bundled into guests for the capability probe: the release tarball's own
// (<prefix>/libexec/vmtest/bpftool, relocatable, found first so the host needs none), else the
// system's /usr/sbin/bpftool (the .deb depends on Debian's). The last candidate when none
// exists, so messages name the usual place.
std::filesystem::path default_bpftool();
std::vector<std::filesystem::path> candidate_bpftool_paths(const std::filesystem::path& exe_dir);

// The agent for guests of `arch`: default_agent_path() when that is the host's architecture.
// For another: $VMTEST_GUEST_ARM64 (the variable names the arch), else the cross build in the
// build tree (build/harness/aarch64/vmtest-guest), else
// <prefix>/libexec/vmtest/aarch64/vmtest-guest. The last candidate when none exists, so the
// message names where it was expected.
std::filesystem::path default_agent_path(Arch arch);
std::vector<std::filesystem::path> candidate_agent_paths(const std::filesystem::path& exe_dir,
                                                         Arch arch);

// Debian's bpftool for guests of `arch`: default_bpftool() for the host's own architecture;
// for another, $VMTEST_BPFTOOL_ARM64, else a release bundle's libexec/vmtest/aarch64/bpftool,
// else the one scripts/install-deps.sh unpacks from Debian's bpftool:arm64 package into
// /usr/local/lib/vmtest/aarch64 (never run on the host).
std::filesystem::path default_bpftool_path(Arch arch);

} // namespace vmtest
