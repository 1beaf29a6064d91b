// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "run/boot_order.h"

#include <gtest/gtest.h>

namespace vmtest {
namespace fs = std::filesystem;

TEST(BootOrder, LongestFirstAfterTheRowsNeverTimed) {
  const std::vector<std::string> rows = {"4.18", "5.10", "5.15", "6.1", "6.6", "6.12"};
  const RowSeconds last = {{"4.18", 5.0}, {"5.10", 4.5}, {"6.1", 8.0}, {"6.6", 4.5}, {"6.12", 6.0}};
  // 5.15 was never timed; 5.10 and 6.6 tie and keep the matrix's order.
  EXPECT_EQ(longest_first(rows, last), (std::vector<size_t>{2, 3, 5, 0, 1, 4}));
  EXPECT_EQ(longest_first(rows, {}), (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
}

TEST(BootOrder, TheRecordMergesAndADamagedOneIsNoRecord) {
  const fs::path dir = *make_temp_dir(fs::temp_directory_path(), "boot-order-");
  const fs::path file = dir / "cache" / "row-seconds.json";
  EXPECT_TRUE(load_row_seconds(file).empty());
  store_row_seconds(file, {{"6.1", 8.0}, {"5.10", 4.0}});
  store_row_seconds(file, {{"5.10", 4.5}});
  EXPECT_EQ(load_row_seconds(file), (RowSeconds{{"5.10", 4.5}, {"6.1", 8.0}}));
  ASSERT_TRUE(write_file_atomic(file, "{\"6.1\": \"slow\", \"5.10\": -1, \"6.6\": 3").ok());
  EXPECT_TRUE(load_row_seconds(file).empty());
  ASSERT_TRUE(write_file_atomic(file, "{\"6.1\": \"slow\", \"5.10\": -1, \"6.6\": 3}").ok());
  EXPECT_EQ(load_row_seconds(file), (RowSeconds{{"6.6", 3.0}}));
  ASSERT_TRUE(write_file_atomic(file, std::string(200000, '[') + std::string(200000, ']')).ok());
  EXPECT_TRUE(load_row_seconds(file).empty());
  fs::remove_all(dir);
}

} // namespace vmtest
