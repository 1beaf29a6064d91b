// SPDX-License-Identifier: BSD-2-Clause
#include "run/boot_order.h"

#include "core/fs.h"
#include "results/json_read.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace vmtest {

std::vector<size_t> longest_first(const std::vector<std::string>& rows, const RowSeconds& last) {
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    order[i] = i;
  auto seconds = [&](size_t i) {
    auto it = last.find(rows[i]);
    return it == last.end() ? -1.0 : it->second;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const double sa = seconds(a), sb = seconds(b);
    if ((sa < 0) != (sb < 0)) return sa < 0; // never timed: first
    return sa > sb;
  });
  return order;
}

RowSeconds load_row_seconds(const std::filesystem::path& file) {
  RowSeconds out;
  auto text = read_file(file);
  if (!text) return out;
  // Depth-limited, as every cache vmtest reads: a file nested 200 000 deep is no record.
  const auto j = json_read::parse(*text);
  if (!j || !j->is_object()) return out;
  for (const auto& [row, s] : j->items())
    if (s.is_number() && s.get<double>() >= 0) out[row] = s.get<double>();
  return out;
}

void store_row_seconds(const std::filesystem::path& file, const RowSeconds& timed) {
  if (timed.empty()) return;
  RowSeconds all = load_row_seconds(file);
  for (const auto& [row, s] : timed)
    all[row] = s;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  (void)write_file_atomic(file, nlohmann::json(all).dump(1) + "\n");
}

} // namespace vmtest
