// SPDX-License-Identifier: BSD-2-Clause
#include "report/templates.h"

#include "core/fs.h"

namespace vmtest {
namespace fs = std::filesystem;

Result<TemplateSet> load_templates(const fs::path& dir) {
  if (dir.empty()) return embedded_templates();
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Error{"cannot read the template directory: " + ec.message(), dir.string()};
  TemplateSet set;
  for (const auto& entry : it) {
    if (!entry.is_regular_file(ec)) continue;
    auto text = read_file(entry.path());
    if (!text) return text.error();
    set[entry.path().filename().string()] = std::move(*text);
  }
  if (set.empty()) return Error{"no templates found", dir.string()};
  return set;
}

}  // namespace vmtest
