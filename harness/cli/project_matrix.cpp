// SPDX-License-Identifier: BSD-2-Clause
#include "cli/project_matrix.h"

#include <algorithm>
#include <cctype>

namespace vmtest {

namespace {

// parse_matrix names lines of the document it was given; for project rows that is a re-emitted
// copy, whose line numbers would point at the wrong lines of vmtest.yaml. The row name stays.
Error without_line_numbers(Error e) {
  // Scanned by hand, not with std::regex, whose recursion grows with the input.
  std::string out;
  const std::string& c = e.context;
  for (size_t i = 0; i < c.size();) {
    if (c.compare(i, 6, " line ") == 0 && i + 6 < c.size() &&
        std::isdigit(static_cast<unsigned char>(c[i + 6]))) {
      i += 6;
      while (i < c.size() && std::isdigit(static_cast<unsigned char>(c[i])))
        ++i;
      continue;
    }
    out += c[i++];
  }
  e.context = std::move(out);
  return e;
}

} // namespace

Result<Matrix> with_project_rows(Matrix base, const ProjectRows* rows,
                                 const std::optional<std::vector<std::string>>& defaults,
                                 const LockFile& lock, const std::string& origin) {
  if (rows) {
    auto extra = parse_matrix(rows->yaml, rows->origin, rows->base_dir, lock);
    if (!extra) return without_line_numbers(extra.error());
    for (auto& row : extra->rows) {
      auto it = std::find_if(base.rows.begin(), base.rows.end(),
                             [&](const KernelRow& r) { return r.name == row.name; });
      if (it != base.rows.end()) {
        *it = std::move(row);
      } else {
        base.defaults.push_back(row.name);
        base.rows.push_back(std::move(row));
      }
    }
  }
  if (defaults) {
    for (const auto& d : *defaults)
      if (!base.find(d)) {
        std::string known;
        for (const auto& r : base.rows)
          known += (known.empty() ? "" : ", ") + r.name;
        return Error{"kernels.defaults names unknown kernel '" + d + "' (rows: " + known + ")",
                     origin};
      }
    base.defaults = *defaults;
  }
  return base;
}

} // namespace vmtest
