// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `vmtest merge`: combine results.json files from shards or per-kernel CI jobs into one, equal
// to what a single unsharded run would have written. The full verifier logs each input's
// results name (OUT/logs/<kernel>/..., relative to that results.json) are copied next to the
// merged file, so the gate's report, written there, links to files its artifact holds.
#include "app/run.h"
#include "results/results.h"

#include <filesystem>
#include <string>
#include <vector>

namespace vmtest {

// Reads a results.json; a missing or malformed file is an error naming it.
Result<RunResults> read_results(const std::filesystem::path& path);

struct Merged {
  RunResults results;
  size_t logs = 0; // full logs copied next to the merged file
};

// Merges `inputs` (kernels in `row_order`, the matrix's; others after them) into `out` and
// copies their full logs. A log path that would leave its results folder, or a listed log that
// cannot be copied, is an error; a listed log that is not there only gets a warning (`say`).
Result<Merged> merge_files(const std::vector<std::filesystem::path>& inputs,
                           const std::vector<std::string>& row_order,
                           const std::filesystem::path& out, const Say& say);

} // namespace vmtest
