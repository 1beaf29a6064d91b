// SPDX-License-Identifier: BSD-2-Clause
#include "app/capabilities.h"

#include "core/fs.h"

#include <algorithm>

namespace vmtest {
namespace fs = std::filesystem;

Result<CapabilityColumns> capability_columns(const std::vector<fs::path>& files,
                                             const std::vector<std::string>& kernels) {
  std::vector<fs::path> paths = files;
  if (paths.empty()) paths.push_back("vmtest-out/results.json");
  CapabilityColumns out;
  for (const auto& f : paths) {
    auto text = read_file(f);
    if (!text)
      return Error{text.error().str() + " (run 'vmtest run' first, or pass --results)", ""};
    auto results = parse_results(*text, f.string());
    if (!results) return results.error();
    for (auto& k : collect_capabilities(*results, kernels, out.notes)) {
      std::string title = k.kernel;
      for (int n = 2; std::any_of(out.columns.begin(), out.columns.end(),
                                  [&](const KernelCapabilities& c) { return c.kernel == title; });
           ++n)
        title = k.kernel + "#" + std::to_string(n);
      k.kernel = title;
      out.columns.push_back(std::move(k));
    }
  }
  return out;
}

} // namespace vmtest
