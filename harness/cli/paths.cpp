#include "cli/paths.h"

#include <cstdlib>

namespace vmtest {
namespace fs = std::filesystem;

#ifndef VMTEST_SOURCE_DIR
#define VMTEST_SOURCE_DIR "."
#endif

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

fs::path project_path(const fs::path& relative) {
  std::error_code ec;
  if (fs::exists(relative, ec)) return relative;
  fs::path in_source = fs::path(VMTEST_SOURCE_DIR) / relative;
  if (fs::exists(in_source, ec)) return in_source;
  return relative;
}

fs::path default_corpus_dir() {
  // build/harness/vmtest -> build/bpf/corpus
  return executable_dir().parent_path() / "bpf" / "corpus";
}

fs::path default_agent_path() {
  if (const char* p = std::getenv("VMTEST_GUEST"); p && *p) return p;
  return executable_dir() / "vmtest-guest";
}

}  // namespace vmtest
