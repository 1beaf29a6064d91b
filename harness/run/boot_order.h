// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The order in which a matrix's guests start. With more rows than cores the run lasts until
// its last guest ends, so the longest rows go first (longest processing time first): the
// short ones then fill the gaps beside them instead of one long row running alone at the end.
// How long a row takes is what it took last time, kept in the cache by row name. It is only
// a schedule: results stay in matrix order, and a missing or damaged record only means the
// matrix's own order.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vmtest {

using RowSeconds = std::map<std::string, double>;

// Indices into `rows`: rows never timed first (they may be long), in their own order, then
// the timed ones, longest first; ties keep the matrix's order.
std::vector<size_t> longest_first(const std::vector<std::string>& rows, const RowSeconds& last);

// The record, or an empty one when the file is missing or cannot be read as one.
RowSeconds load_row_seconds(const std::filesystem::path& file);
// Merges `timed` into the record on disk; failures are ignored (a schedule hint, not a result).
void store_row_seconds(const std::filesystem::path& file, const RowSeconds& timed);

} // namespace vmtest
