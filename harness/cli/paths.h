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

} // namespace vmtest
