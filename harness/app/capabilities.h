// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// `vmtest capabilities`: the kernel x feature matrix of one or more runs' results. This picks
// the columns; capabilities/ builds and renders the matrix.
#include "capabilities/capability_matrix.h"
#include "core/result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace vmtest {

struct CapabilityColumns {
  std::vector<KernelCapabilities> columns; // one per probed kernel, in file and run order
  std::vector<std::string> notes;          // kernels without a probe, and why
};

// Every probed kernel of `files` (default: vmtest-out/results.json), restricted to `kernels`
// when given. The same row from two runs (yesterday's and today's 6.1) gets two columns,
// "6.1" and "6.1#2". An unreadable file is an error naming it.
Result<CapabilityColumns> capability_columns(const std::vector<std::filesystem::path>& files,
                                             const std::vector<std::string>& kernels);

} // namespace vmtest
