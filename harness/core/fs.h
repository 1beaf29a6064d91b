// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Filesystem helpers for files a user keeps (cache entries, baselines, results): every
// write goes to a temp file in the same directory and is renamed into place, so a crash
// or a full disk never leaves a half-written file behind.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vmtest {

Result<std::string> read_file(const std::filesystem::path& path);
// How a written file reaches the disk. Both kinds replace it atomically (a temp file, then a
// rename): a reader, or a run killed half-way, finds the old file or the new one, never a mix.
enum class Durability {
  Synced,  // fsync before the rename: it survives a power loss (baselines, caches, locks)
  Replace, // no fsync: a run's own outputs, which the next run writes again (results.json, the
           // reports, full logs, the guest image, the host agent's manifest). An fsync costs
           // 0.5-1 ms per file here, and more for a multi-megabyte image.
};
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data,
                               Durability durability = Durability::Synced);
// Moves an already complete file into place atomically (same filesystem required).
Result<void> rename_into_place(const std::filesystem::path& from, const std::filesystem::path& to);
// A fresh directory under `parent` (mkdtemp) for work that is thrown away or renamed.
Result<std::filesystem::path> make_temp_dir(const std::filesystem::path& parent,
                                            std::string_view prefix);

// ~/.cache/vmtest, or $VMTEST_CACHE, or $XDG_CACHE_HOME/vmtest.
std::filesystem::path default_cache_dir();

}  // namespace vmtest
