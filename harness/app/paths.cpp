// SPDX-License-Identifier: BSD-2-Clause
#include "app/paths.h"

#include <cctype>
#include <cstdlib>

namespace vmtest {
namespace fs = std::filesystem;

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

std::vector<fs::path> candidate_data_dirs(const fs::path& exe_dir) {
  // <prefix>/bin -> <prefix>/share/vmtest; build/harness -> build/share/vmtest. Both are the
  // same rule: the binary's parent folder holds share/vmtest.
  return {(exe_dir.parent_path() / "share" / "vmtest").lexically_normal()};
}

fs::path data_dir() {
  std::error_code ec;
  for (const auto& d : candidate_data_dirs(executable_dir()))
    if (fs::exists(d / "kernels" / "matrix.yaml", ec)) return d;
  return {};
}

fs::path bundled_matrix() {
  const fs::path d = data_dir();
  return d.empty() ? fs::path("share/vmtest/kernels/matrix.yaml") : d / "kernels" / "matrix.yaml";
}

fs::path bundled_lock() {
  const fs::path d = data_dir();
  return d.empty() ? fs::path("share/vmtest/kernels/matrix.lock.json")
                   : d / "kernels" / "matrix.lock.json";
}

fs::path default_corpus_dir() {
  // build/harness/vmtest -> build/bpf/corpus
  const fs::path dir = (executable_dir().parent_path() / "bpf" / "corpus").lexically_normal();
  std::error_code ec;
  return fs::is_directory(dir, ec) ? dir : fs::path();
}

std::vector<fs::path> candidate_agent_paths(const fs::path& exe_dir) {
  return {exe_dir / "vmtest-guest",
          (exe_dir.parent_path() / "libexec" / "vmtest" / "vmtest-guest").lexically_normal()};
}

namespace {

// "VMTEST_GUEST_ARM64" from "VMTEST_GUEST" and arm64.
std::string arch_variable(const char* base, Arch arch) {
  std::string name = std::string(base) + "_";
  for (char c : to_string(arch))
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

} // namespace

std::vector<fs::path> candidate_agent_paths(const fs::path& exe_dir, Arch arch) {
  if (arch == host_arch()) return candidate_agent_paths(exe_dir);
  const std::string machine(uname_machine(arch));
  return {exe_dir / machine / "vmtest-guest",
          (exe_dir.parent_path() / "libexec" / "vmtest" / machine / "vmtest-guest")
              .lexically_normal()};
}

fs::path default_agent_path(Arch arch) {
  if (arch == host_arch()) return default_agent_path();
  if (const char* p = std::getenv(arch_variable("VMTEST_GUEST", arch).c_str()); p && *p) return p;
  const auto candidates = candidate_agent_paths(executable_dir(), arch);
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c;
  return candidates.back();
}

fs::path default_bpftool_path(Arch arch) {
  if (arch == host_arch()) return default_bpftool();
  if (const char* p = std::getenv(arch_variable("VMTEST_BPFTOOL", arch).c_str()); p && *p)
    return p;
  // A release bundle's own copy first, then the one install-deps.sh unpacks.
  const fs::path bundled = (executable_dir().parent_path() / "libexec" / "vmtest" /
                            uname_machine(arch) / "bpftool")
                               .lexically_normal();
  std::error_code ec;
  if (fs::exists(bundled, ec)) return bundled;
  return fs::path("/usr/local/lib/vmtest") / uname_machine(arch) / "bpftool";
}

fs::path default_agent_path() {
  if (const char* p = std::getenv("VMTEST_GUEST"); p && *p) return p;
  const auto candidates = candidate_agent_paths(executable_dir());
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c;
  return candidates.back();
}

std::vector<fs::path> candidate_bpftool_paths(const fs::path& exe_dir) {
  return {(exe_dir.parent_path() / "libexec" / "vmtest" / "bpftool").lexically_normal(),
          "/usr/sbin/bpftool"};
}

fs::path default_bpftool() {
  const auto candidates = candidate_bpftool_paths(executable_dir());
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c;
  return candidates.back();
}

} // namespace vmtest
