#include "cli/paths.h"

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
