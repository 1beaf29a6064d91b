// SPDX-License-Identifier: BSD-2-Clause
#include "run/log_files.h"

#include "core/fs.h"
#include "core/sha256.h"
#include "results/byte_text.h"

#include <string_view>

namespace vmtest {
namespace fs = std::filesystem;
namespace {

// Bytes a file name in the artifact should not hold: separators, NUL, control bytes, and what
// actions/upload-artifact refuses on some runners (" : < > | * ?).
bool unsafe(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f || std::string_view("/\\\":<>|*?").find(c) != std::string_view::npos;
}

// One path component: never empty, never "." or "..", never a separator, always UTF-8. A name
// that had to change gets the start of its own bytes' sha256 as a suffix, so the programs
// `col/x`, `col\x` and `col_x` (or objects `p\q.bpf.o` and `p_q.bpf.o`) keep three files.
std::string component(const std::string& name) {
  std::string s = display_text(name); // a byte that is not UTF-8 as "\xHH", then "_xHH"
  for (char& c : s)
    if (unsafe(c)) c = '_';
  if (s.empty() || s == "." || s == "..") s = "_" + s;
  if (s != name) s += "-" + sha256_hex(name).substr(0, 8);
  return s;
}

} // namespace

std::string full_log_path(const std::string& kernel, const std::string& object,
                          const std::string& program) {
  std::string path = "logs/" + component(kernel) + "/";
  // Objects found in subfolders keep them, as in the guest image.
  size_t start = 0;
  for (size_t slash = object.find('/'); slash != std::string::npos;
       slash = object.find('/', start)) {
    path += component(object.substr(start, slash - start)) + "/";
    start = slash + 1;
  }
  path += component(object.substr(start)) + "/" + component(program) + ".log";
  return path;
}

std::vector<std::string> write_full_logs(const fs::path& out_dir, KernelResult& kr) {
  std::vector<std::string> problems;
  if (kr.status == KernelStatus::Ok) {
    // Files an earlier run left in the same folder would be linked from nowhere.
    std::error_code ec;
    fs::remove_all(out_dir / "logs" / component(kr.name), ec);
  }
  for (auto& o : kr.objects)
    for (auto& p : o.programs) {
      if (p.full_log.text.empty()) continue;
      const std::string rel = full_log_path(kr.name, o.name, p.name);
      if (auto w = write_file_atomic(out_dir / rel, p.full_log.text, Durability::Replace); !w)
        problems.push_back("cannot keep the full log of " + o.name + "/" + p.name + ": " +
                           w.error().str());
      else
        p.full_log.file = rel;
      p.full_log.text.clear();
      p.full_log.text.shrink_to_fit();
    }
  return problems;
}

} // namespace vmtest
